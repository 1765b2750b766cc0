// Which task to hand out next, in a sweep shared among ranks: tasks are numbered in the order they should run,
// and a task is handed out only once every one of its prerequisites has been reported done (a student only after
// its teacher). Pure bookkeeping, no MPI: work_queue.hpp moves its decisions between ranks.
#pragma once
#include <cstddef>
#include <optional>
#include <vector>

namespace lskd::distributed {

struct TaskGraph {
    // prerequisites[t]: tasks that must be done before t is handed out; each one numbered below t, so the
    // numbering itself is an order that respects them and no set of tasks can wait on each other.
    std::vector<std::vector<std::size_t>> prerequisites;
    // Tasks already done before the queue starts (complete run files); empty: none. Never handed out.
    std::vector<bool> done;
};

class TaskDispatcher {
public:
    // Checks the graph: an Error names a prerequisite that is not below its task, and a `done` of the wrong size.
    explicit TaskDispatcher(TaskGraph graph);

    // The lowest-numbered task not yet handed out whose prerequisites are all done, now marked handed out; nothing
    // when no such task is ready yet (or none is left).
    std::optional<std::size_t> take();
    // Records that a handed-out task is done (an Error for a task never handed out, or reported twice).
    void complete(std::size_t task);

    bool all_handed_out() const { return handed_out_count_ == size(); }
    bool all_done() const { return done_count_ == size(); }
    std::size_t size() const { return graph_.prerequisites.size(); }

private:
    TaskGraph graph_;
    std::vector<bool> handed_out_;
    std::size_t handed_out_count_ = 0, done_count_ = 0;
    std::size_t first_open_ = 0;  // every task below it has been handed out
};

}  // namespace lskd::distributed
