#include "framework/distributed/work_queue.hpp"

#include <mpi.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

namespace lskd::distributed {
namespace {

// A rank asks with the task it just finished (or kNone); rank 0 answers with a task, or kNone: nothing left.
constexpr int kAskTag = 7301, kTaskTag = 7302;
constexpr std::int64_t kNone = -1;

std::int64_t receive_polling(int source, int tag, std::chrono::milliseconds poll) {
    for (;;) {
        int arrived = 0;
        MPI_Iprobe(source, tag, MPI_COMM_WORLD, &arrived, MPI_STATUS_IGNORE);
        if (arrived) {
            std::int64_t value = kNone;
            MPI_Recv(&value, 1, MPI_INT64_T, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            return value;
        }
        std::this_thread::sleep_for(poll);
    }
}

std::vector<std::size_t> work_as_asked(const TaskFn& run, std::chrono::milliseconds poll) {
    std::vector<std::size_t> ran;
    for (std::int64_t done = kNone;;) {
        MPI_Send(&done, 1, MPI_INT64_T, 0, kAskTag, MPI_COMM_WORLD);
        const std::int64_t task = receive_polling(0, kTaskTag, poll);
        if (task == kNone) return ran;
        run(static_cast<std::size_t>(task));
        ran.push_back(static_cast<std::size_t>(task));
        done = task;
    }
}

// Rank 0's side: the task bookkeeping shared by the thread that answers the other ranks and the thread that runs
// rank 0's own tasks.
class Dispatcher {
public:
    Dispatcher(const TaskGraph& graph, int other_ranks, std::chrono::milliseconds poll)
        : tasks_(graph), open_ranks_(other_ranks), poll_(poll) {}

    // Answers the other ranks until each one has been told that nothing is left, or until stop().
    void serve() {
        std::unique_lock lock(mutex_);
        while (open_ranks_ > 0 && !stopping_) {
            lock.unlock();
            const bool asked = receive_asks();
            lock.lock();
            if (asked) ready_.notify_all();  // a reported completion may have readied a task for rank 0 itself
            answer_waiting();
            if (!asked) ready_.wait_for(lock, poll_);  // rank 0 finishing a task wakes it early
        }
    }

    // Blocks until a task is ready for rank 0 itself; nothing once every task has been handed out (or stop()).
    std::optional<std::size_t> take_local() {
        std::unique_lock lock(mutex_);
        std::optional<std::size_t> task;
        ready_.wait(lock, [&] {
            task = tasks_.take();
            return task || tasks_.all_handed_out() || stopping_;
        });
        return task;
    }

    void complete_local(std::size_t task) {
        const std::lock_guard lock(mutex_);
        tasks_.complete(task);
        ready_.notify_all();
    }

    void stop() {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
        ready_.notify_all();
    }

private:
    bool receive_asks() {
        bool any = false;
        for (;;) {
            int arrived = 0;
            MPI_Status status;
            MPI_Iprobe(MPI_ANY_SOURCE, kAskTag, MPI_COMM_WORLD, &arrived, &status);
            if (!arrived) return any;
            std::int64_t done = kNone;
            MPI_Recv(&done, 1, MPI_INT64_T, status.MPI_SOURCE, kAskTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            const std::lock_guard lock(mutex_);
            if (done != kNone) tasks_.complete(static_cast<std::size_t>(done));
            waiting_.push_back(status.MPI_SOURCE);
            any = true;
        }
    }

    // First come, first served; a rank that asked when nothing was ready waits for a completion. A send of one
    // integer goes out eagerly, so it never blocks while the lock is held.
    void answer_waiting() {
        while (!waiting_.empty()) {
            std::int64_t answer = kNone;
            if (const auto task = tasks_.take())
                answer = static_cast<std::int64_t>(*task);
            else if (tasks_.all_handed_out())
                --open_ranks_;
            else
                return;
            MPI_Send(&answer, 1, MPI_INT64_T, waiting_.front(), kTaskTag, MPI_COMM_WORLD);
            waiting_.pop_front();
        }
    }

    std::mutex mutex_;
    std::condition_variable ready_;
    TaskDispatcher tasks_;
    std::deque<int> waiting_;
    int open_ranks_;
    bool stopping_ = false;
    std::chrono::milliseconds poll_;
};

std::vector<std::size_t> dispatch_and_work(const World& world, Dispatcher& dispatcher, const TaskFn& run) {
    std::thread server([&] {
        try {
            dispatcher.serve();
        } catch (const std::exception& e) {  // a broken protocol: no rank could go on
            fmt::print(stderr, "lskd: error: work queue dispatcher: {}\n", e.what());
            world.abort(1);
        }
    });
    std::vector<std::size_t> ran;
    try {
        while (const auto task = dispatcher.take_local()) {
            run(*task);
            ran.push_back(*task);
            dispatcher.complete_local(*task);
        }
    } catch (...) {
        dispatcher.stop();
        server.join();
        throw;
    }
    server.join();
    return ran;
}

}  // namespace

std::vector<std::size_t> run_in_order(const TaskGraph& graph, const TaskFn& run) {
    TaskDispatcher tasks(graph);
    std::vector<std::size_t> ran;
    while (const auto task = tasks.take()) {
        run(*task);
        ran.push_back(*task);
        tasks.complete(*task);
    }
    return ran;
}

std::vector<std::size_t> run_work_queue(const World& world, const TaskGraph& graph, const TaskFn& run,
                                        const QueueOptions& options) {
    if (world.size() == 1) return run_in_order(graph, run);
    if (!world.root()) {
        TaskDispatcher{graph};  // a bad graph is the same Error on every rank, not only on rank 0
        return work_as_asked(run, options.poll);
    }
    Dispatcher dispatcher(graph, world.size() - 1, options.poll);
    if (options.root_works && world.multiple_threads()) return dispatch_and_work(world, dispatcher, run);
    dispatcher.serve();
    return {};
}

}  // namespace lskd::distributed
