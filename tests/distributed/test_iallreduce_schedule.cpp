#include <catch2/catch.hpp>

#include <mpi.h>

#include <cstdlib>
#include <vector>

#include "framework/distributed/iallreduce_schedule.hpp"
#include "tests/distributed/test_world.hpp"

using namespace lskd;
using namespace lskd::distributed;

namespace {

// What MPI's tools interface reads for libnbc's variable now, independently of World's record.
int libnbc_algorithm() {
    int provided = 0, index = 0, count = 0, value = -1;
    MPI_T_init_thread(MPI_THREAD_SINGLE, &provided);
    REQUIRE(MPI_T_cvar_get_index("coll_libnbc_iallreduce_algorithm", &index) == MPI_SUCCESS);
    MPI_T_cvar_handle handle{};
    REQUIRE(MPI_T_cvar_handle_alloc(index, nullptr, &handle, &count) == MPI_SUCCESS);
    MPI_T_cvar_read(handle, &value);
    MPI_T_cvar_handle_free(&handle);
    MPI_T_finalize();
    return value;
}

}  // namespace

// CTest runs this unit twice: as launched, and with `mpirun --mca coll_libnbc_iallreduce_algorithm 1`.
TEST_CASE("the sums are scheduled as reduce-scatter + allgather unless the user named a schedule", "[mpi][schedule]") {
    const IallreduceSchedule& schedule = testing::test_world().iallreduce_schedule();
    if (const char* named = std::getenv("OMPI_MCA_coll_libnbc_iallreduce_algorithm")) {
        CHECK(schedule.source == IallreduceSchedule::Source::user);
        CHECK(schedule.algorithm == std::atoi(named));
    } else {
        CHECK(schedule.source == IallreduceSchedule::Source::lskd);
        CHECK(schedule.algorithm == kReduceScatterAllgather);
    }
    CHECK(libnbc_algorithm() == schedule.algorithm);
}

// The schedule splits the buffer between the ranks; counts below, at and around the split, in place as the
// overlapped step sums: rank r holds (r + 1)(i + 1), so the sum is 3(i + 1), exact in floats.
TEST_CASE("in-place non-blocking sums of any length give the hand-computed sum on every rank", "[mpi][schedule]") {
    const int r = testing::test_world().rank();
    for (int count : {1, 2, 3, 7, 1000, 65537}) {
        std::vector<float> values(static_cast<std::size_t>(count));
        for (int i = 0; i < count; ++i) values[static_cast<std::size_t>(i)] = static_cast<float>((r + 1) * (i + 1));
        MPI_Request request = MPI_REQUEST_NULL;
        MPI_Iallreduce(MPI_IN_PLACE, values.data(), count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &request);
        MPI_Wait(&request, MPI_STATUS_IGNORE);
        int wrong = 0;
        for (int i = 0; i < count; ++i)
            wrong += values[static_cast<std::size_t>(i)] != 3.0f * static_cast<float>(i + 1);
        INFO(count << " values");
        CHECK(wrong == 0);
    }
}
