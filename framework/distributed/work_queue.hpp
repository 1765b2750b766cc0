// Runs the tasks of a TaskGraph (task_dispatcher.hpp) over the ranks of a World: rank 0 hands task numbers out
// as ranks ask for work, so a fast rank simply takes the next one, and never one whose prerequisites are not done.
//
// Rank 0 works too: a dispatcher thread of its own answers the other ranks while its main thread runs tasks,
// because a task may run for minutes and the others must not wait that long for their next one. That needs
// MPI_THREAD_MULTIPLE (Debian's Open MPI 4.1 grants it; ask for ThreadSupport::multiple). Without it, or with
// QueueOptions::root_works false, rank 0 only dispatches. Waiting ranks poll (MPI_Iprobe, then sleep) instead of
// blocking in MPI_Recv, whose busy polling would take a core from the training next to it.
// A task that throws ends that rank's run_work_queue with the exception; main() then ends the job through
// World::finish, and the same command resumes (finished tasks are marked done in the graph then).
#pragma once
#include <chrono>
#include <cstddef>
#include <functional>
#include <vector>

#include "framework/distributed/task_dispatcher.hpp"
#include "framework/distributed/world.hpp"

namespace lskd::distributed {

using TaskFn = std::function<void(std::size_t task)>;

struct QueueOptions {
    bool root_works = true;
    std::chrono::milliseconds poll{10};  // how long an idle wait sleeps between looks for a message
};

// Collective: every rank calls it with the same graph. Returns the tasks this rank ran, in the order it ran them.
// On rank 0 it returns once every task is done; on another rank, once nothing is left to hand out. A World of one
// rank runs run_in_order.
std::vector<std::size_t> run_work_queue(const World& world, const TaskGraph& graph, const TaskFn& run,
                                        const QueueOptions& options = {});

// Without MPI: every task not yet done, in numbering order (which respects the prerequisites).
std::vector<std::size_t> run_in_order(const TaskGraph& graph, const TaskFn& run);

}  // namespace lskd::distributed
