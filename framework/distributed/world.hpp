// The MPI job this process belongs to, initialised only when an MPI launcher started it (launcher.hpp);
// otherwise a world of one rank that never touches MPI. One launched World per process, made in main().
#pragma once
#include "framework/distributed/iallreduce_schedule.hpp"
#include "framework/distributed/launcher.hpp"

namespace lskd::distributed {

// What the process needs of MPI's thread support: funneled when only the main thread calls MPI (data-parallel
// training), multiple when the work queue's dispatcher thread also does (work_queue.hpp).
enum class ThreadSupport { funneled, multiple };

class World {
public:
    // Not launched: no MPI call at all. Launched: MPI_Init_thread, and the ranks and size that MPI reports must
    // agree with what the launcher exported (an Error otherwise). Asking for multiple threads is a wish: see
    // multiple_threads().
    explicit World(const Launch& launch, ThreadSupport wanted = ThreadSupport::funneled);
    // Ends MPI: MPI_Finalize, unless an exception is unwinding or finish() was called with a failure, which abort.
    ~World();
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    bool launched() const { return launched_; }
    int rank() const { return rank_; }
    int size() const { return size_; }
    bool root() const { return rank_ == 0; }
    // MPI granted MPI_THREAD_MULTIPLE (Debian's Open MPI 4.1 does).
    bool multiple_threads() const { return multiple_threads_; }
    // The schedule of the overlapped gradient sums, chosen once MPI is initialised (iallreduce_schedule.hpp).
    const IallreduceSchedule& iallreduce_schedule() const { return iallreduce_schedule_; }

    // Ends the job with main()'s exit code. 0 finalises MPI normally. Anything else calls MPI_Abort, so that the
    // other ranks, which may be waiting in a collective for this one, end too instead of hanging; mpirun then
    // returns that code. Returns `code` for main() to return when not launched.
    int finish(int code);
    // Ends every rank of the job now (MPI_Abort); just std::exit(code) when not launched.
    [[noreturn]] void abort(int code) const;
    // Ends the job with `code` when every rank reached it alike before any work (a usage error all ranks found):
    // waits for every rank, so that what rank 0 printed is out, finalises MPI and exits with `code`. Not abort(),
    // whose kill could cut rank 0's message short. Just std::exit(code) when not launched.
    [[noreturn]] void exit_together(int code) const;

private:
    bool launched_ = false;
    bool finished_ = false;
    bool multiple_threads_ = false;
    int rank_ = 0;
    int size_ = 1;
    IallreduceSchedule iallreduce_schedule_;
};

// Whether MPI_Init has been called in this process (and MPI_Finalize not yet): lets a test show that lskd
// started without a launcher leaves MPI alone.
bool mpi_initialized();

}  // namespace lskd::distributed
