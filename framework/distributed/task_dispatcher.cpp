#include "framework/distributed/task_dispatcher.hpp"

#include <algorithm>

#include "framework/core/error.hpp"

namespace lskd::distributed {

TaskDispatcher::TaskDispatcher(TaskGraph graph) : graph_(std::move(graph)) {
    const std::size_t n = size();
    if (graph_.done.empty()) graph_.done.assign(n, false);
    if (graph_.done.size() != n) fail("task graph: {} done flags for {} tasks", graph_.done.size(), n);
    for (std::size_t t = 0; t < n; ++t)
        for (std::size_t p : graph_.prerequisites[t])
            if (p >= t) fail("task graph: task {} needs task {}, which does not come before it", t, p);
    handed_out_ = graph_.done;
    done_count_ = static_cast<std::size_t>(std::count(graph_.done.begin(), graph_.done.end(), true));
    handed_out_count_ = done_count_;
}

std::optional<std::size_t> TaskDispatcher::take() {
    while (first_open_ < size() && handed_out_[first_open_]) ++first_open_;
    for (std::size_t t = first_open_; t < size(); ++t) {
        if (handed_out_[t]) continue;
        const auto& needs = graph_.prerequisites[t];
        if (!std::all_of(needs.begin(), needs.end(), [&](std::size_t p) { return graph_.done[p]; })) continue;
        handed_out_[t] = true;
        ++handed_out_count_;
        return t;
    }
    return std::nullopt;
}

void TaskDispatcher::complete(std::size_t task) {
    if (task >= size() || !handed_out_[task]) fail("task {} was reported done but never handed out", task);
    if (graph_.done[task]) fail("task {} was reported done twice", task);
    graph_.done[task] = true;
    ++done_count_;
}

}  // namespace lskd::distributed
