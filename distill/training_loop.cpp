#include "distill/training_loop.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "framework/core/error.hpp"
#include "framework/core/interrupt.hpp"
#include "framework/optim/clip_grad.hpp"

namespace lskd::distill {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double mean(double sum, std::int64_t count) { return sum / static_cast<double>(std::max<std::int64_t>(count, 1)); }

}  // namespace

TrainingLoop::TrainingLoop(LoopParts parts, std::string path) : parts_(parts), path_(std::move(path)) {}

void TrainingLoop::step(std::int64_t epoch, std::int64_t step, EpochTotals& t) {
    Task& task = parts_.task;
    const std::int64_t global = task.batch_examples();
    if (parts_.sharding != nullptr) task.keep_shard(parts_.sharding->shard(global));
    const std::int64_t n = task.step_examples();
    if (parts_.sharding != nullptr) parts_.sharding->begin_step(n, global);
    if (n > 0) {  // a rank's shard of a last batch smaller than the ranks may be empty; it still joins the average
        StepLoss loss = task.loss();
        if (!std::isfinite(loss.reported))
            fail("{}: loss is {} at epoch {} step {}; the run file keeps epoch {}", path_, loss.reported, epoch + 1,
                 step + 1, epoch);
        loss.objective.backward();
        t.loss_sum += loss.reported * static_cast<double>(loss.count);
        t.correct += loss.correct;
        t.seen += loss.count;
    }
    if (parts_.sharding != nullptr) parts_.sharding->finish_step();  // clipping needs the averaged gradients
    if (parts_.clip_norm > 0) optim::clip_grad_norm(parts_.params, parts_.clip_norm);
    parts_.optimizer.set_lr(parts_.schedule.lr(epoch * task.steps_per_epoch() + step));
    parts_.optimizer.step();
    parts_.model.zero_grad();
}

EpochTotals TrainingLoop::train_epoch(std::int64_t epoch, std::int64_t epochs, const EarlyMeasurements& early) {
    EpochTotals t;
    auto next_early = early.steps.begin();
    const auto timed_early = [&](std::int64_t step) {
        const auto start = std::chrono::steady_clock::now();
        early.measure(step);
        t.metric_seconds += seconds_since(start);
    };
    const auto epoch_start = std::chrono::steady_clock::now();
    if (early.measure) timed_early(0);
    parts_.task.begin_epoch(epoch);
    parts_.progress.begin_epoch(epoch, epochs, parts_.task.steps_per_epoch());
    std::int64_t step = 0;
    while (parts_.task.next_batch()) {
        const std::int64_t global = parts_.task.batch_examples();
        this->step(epoch, step, t);
        ++step;
        throw_if_interrupted();  // the run directory keeps the last whole epoch
        parts_.progress.step(step, mean(t.loss_sum, t.seen), mean(static_cast<double>(t.correct), t.seen), global);
        if (early.measure && next_early != early.steps.end() && *next_early == step) {
            timed_early(step);
            ++next_early;
        }
    }
    if (parts_.sharding != nullptr) {
        parts_.sharding->sum_totals(t.loss_sum, t.correct, t.seen);
        parts_.sharding->broadcast_buffers(parts_.model);
    }
    t.seconds = seconds_since(epoch_start) - t.metric_seconds;
    return t;
}

void run_epochs(std::int64_t first, std::int64_t epochs, const std::function<void(std::int64_t)>& epoch,
                const std::function<std::string()>& kept) {
    try {
        for (std::int64_t e = first; e < epochs; ++e) {
            throw_if_interrupted();
            epoch(e);
        }
    } catch (const Interrupted& i) {
        throw Interrupted(i.signal(), kept());
    }
}

}  // namespace lskd::distill
