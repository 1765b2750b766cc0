// The schedule of the non-blocking sums the overlapped gradient average starts (gradient_buckets.hpp). Open MPI's
// libnbc schedules an in-place MPI_Iallreduce, and any on fewer than 4 ranks, as a binomial reduce then broadcast:
// every value crosses twice, through a temporary buffer allocated per call. Its reduce-scatter + allgather
// schedule moves each value once each way, as the blocking MPI_Allreduce does (docs/scale.md, "The average
// overlapped with backward"). lskd chooses it unless the user did.
#pragma once
#include <string>

namespace lskd::distributed {

struct IallreduceSchedule {
    enum class Source { lskd, user, absent };
    Source source = Source::absent;  // absent: not Open MPI's libnbc, nothing set
    int algorithm = 0;               // libnbc's coll_libnbc_iallreduce_algorithm, as it stands afterwards
    std::string describe() const;
};

// libnbc's number for the reduce-scatter + allgather (Rabenseifner) schedule.
inline constexpr int kReduceScatterAllgather = 3;

// Sets libnbc's iallreduce algorithm through the MPI tools interface, after MPI_Init, unless the user set it (a
// value other than libnbc's automatic 0, or OMPI_MCA_coll_libnbc_iallreduce_algorithm in the environment, which
// `mpirun --mca` also sets). Without that variable (another MPI) it does nothing.
IallreduceSchedule choose_iallreduce_schedule();

}  // namespace lskd::distributed
