#include "framework/distributed/world.hpp"

#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <exception>

#include "framework/core/error.hpp"

namespace lskd::distributed {
namespace {

// An exception that escapes main() on one rank must end the whole job, not leave the others waiting.
[[noreturn]] void abort_job_on_terminate() {
    int initialized = 0, finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (initialized && !finalized) MPI_Abort(MPI_COMM_WORLD, 134);
    std::abort();
}

}  // namespace

World::World(const Launch& launch, ThreadSupport wanted) {
    if (!launch.launched) return;
    if (mpi_initialized()) fail("MPI is already initialised: lskd makes one World per process");
    const int required = wanted == ThreadSupport::multiple ? MPI_THREAD_MULTIPLE : MPI_THREAD_FUNNELED;
    int provided = MPI_THREAD_SINGLE;
    if (MPI_Init_thread(nullptr, nullptr, required, &provided) != MPI_SUCCESS)
        fail("{} launch: MPI_Init_thread failed", launch.launcher);
    launched_ = true;
    std::set_terminate(abort_job_on_terminate);
    multiple_threads_ = provided >= MPI_THREAD_MULTIPLE;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    // A failure below leaves MPI unfinalised on purpose: mpirun ends the whole job when a rank exits so.
    if (provided < MPI_THREAD_FUNNELED)
        fail("{} launch: MPI grants no thread support beyond MPI_THREAD_SINGLE; lskd needs MPI_THREAD_FUNNELED",
             launch.launcher);
    if ((launch.rank >= 0 && launch.rank != rank_) || (launch.size > 0 && launch.size != size_))
        fail("{} launch: the environment says rank {} of {}, MPI says rank {} of {}", launch.launcher, launch.rank,
             launch.size, rank_, size_);
    iallreduce_schedule_ = choose_iallreduce_schedule();
}

World::~World() {
    if (!launched_ || finished_) return;
    finish(std::uncaught_exceptions() > 0 ? 1 : 0);
}

int World::finish(int code) {
    if (!launched_ || finished_) return code;
    if (code != 0) abort(code);
    finished_ = true;
    MPI_Finalize();
    return code;
}

void World::abort(int code) const {
    if (launched_) MPI_Abort(MPI_COMM_WORLD, code);
    std::exit(code);
}

void World::exit_together(int code) const {
    if (launched_) {
        std::fflush(nullptr);
        MPI_Barrier(MPI_COMM_WORLD);
        MPI_Finalize();
    }
    std::exit(code);
}

bool mpi_initialized() {
    int initialized = 0, finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    return initialized && !finalized;
}

}  // namespace lskd::distributed
