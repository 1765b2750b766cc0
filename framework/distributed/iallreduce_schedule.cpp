#include "framework/distributed/iallreduce_schedule.hpp"

#include <mpi.h>

#include <cstdlib>

#include <fmt/format.h>

namespace lskd::distributed {

namespace {

constexpr const char* kVariable = "coll_libnbc_iallreduce_algorithm";
constexpr const char* kEnvironment = "OMPI_MCA_coll_libnbc_iallreduce_algorithm";

// The variable's value, or -1 if this MPI has no such control variable; writes `wanted` first when >= 0.
int read_or_write(int wanted) {
    int index = 0;
    if (MPI_T_cvar_get_index(kVariable, &index) != MPI_SUCCESS) return -1;
    MPI_T_cvar_handle handle{};
    int count = 0;
    if (MPI_T_cvar_handle_alloc(index, nullptr, &handle, &count) != MPI_SUCCESS || count != 1) return -1;
    int value = -1;
    if (wanted >= 0) MPI_T_cvar_write(handle, &wanted);
    MPI_T_cvar_read(handle, &value);
    MPI_T_cvar_handle_free(&handle);
    return value;
}

}  // namespace

std::string IallreduceSchedule::describe() const {
    switch (source) {
        case Source::lskd: return fmt::format("libnbc algorithm {} (reduce-scatter + allgather, lskd's)", algorithm);
        case Source::user: return fmt::format("libnbc algorithm {} (the user's)", algorithm);
        case Source::absent: break;
    }
    return "the MPI's own";
}

IallreduceSchedule choose_iallreduce_schedule() {
    int provided = 0;
    if (MPI_T_init_thread(MPI_THREAD_SINGLE, &provided) != MPI_SUCCESS) return {};
    IallreduceSchedule schedule;
    const int current = read_or_write(-1);
    if (current > 0 || (current == 0 && std::getenv(kEnvironment) != nullptr))
        schedule = {IallreduceSchedule::Source::user, current};
    else if (current == 0)
        schedule = {IallreduceSchedule::Source::lskd, read_or_write(kReduceScatterAllgather)};
    MPI_T_finalize();
    return schedule;
}

}  // namespace lskd::distributed
