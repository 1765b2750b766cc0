#include "framework/distributed/launcher.hpp"

#include <charconv>
#include <cstdlib>

#include "framework/core/error.hpp"

namespace lskd::distributed {
namespace {

const std::string* find(const Environment& env, const std::string& name) {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : &it->second;
}

int number(const Environment& env, const std::string& name, int min) {
    const std::string* text = find(env, name);
    if (text == nullptr) fail("the MPI launcher set no {} (the launch environment is incomplete)", name);
    int value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value < min)
        fail("environment variable {}='{}' is not an integer of at least {}", name, *text, min);
    return value;
}

Launch checked(std::string launcher, int rank, int size) {
    if (size > 0 && rank >= size) fail("{} launch: rank {} is not below the size {}", launcher, rank, size);
    return {true, std::move(launcher), rank, size};
}

}  // namespace

Launch detect_launch(const Environment& env) {
    if (find(env, "OMPI_COMM_WORLD_SIZE") || find(env, "OMPI_COMM_WORLD_RANK"))
        return checked("Open MPI", number(env, "OMPI_COMM_WORLD_RANK", 0), number(env, "OMPI_COMM_WORLD_SIZE", 1));
    if (find(env, "PMIX_RANK")) return checked("PMIx", number(env, "PMIX_RANK", 0), -1);
    if (find(env, "PMI_RANK") || find(env, "PMI_SIZE"))
        return checked("PMI", number(env, "PMI_RANK", 0), number(env, "PMI_SIZE", 1));
    if (find(env, "SLURM_STEP_ID") && find(env, "SLURM_PROCID")) {
        const std::string* mpi = find(env, "SLURM_MPI_TYPE");
        if (mpi != nullptr && !mpi->empty() && *mpi != "none")
            return checked("srun", number(env, "SLURM_PROCID", 0), number(env, "SLURM_NTASKS", 1));
        const std::string tasks_name = find(env, "SLURM_STEP_NUM_TASKS") ? "SLURM_STEP_NUM_TASKS" : "SLURM_NTASKS";
        if (find(env, tasks_name) && number(env, tasks_name, 1) > 1)
            fail("started by srun as one of {} tasks without an MPI plugin ({}): the tasks would not know of each "
                 "other; launch with srun --mpi=pmix (or pmi2), or with one task",
                 number(env, tasks_name, 1), mpi == nullptr ? "SLURM_MPI_TYPE unset" : "SLURM_MPI_TYPE=" + *mpi);
    }
    return {};
}

Launch detect_launch() {
    Environment env;
    for (const char* name : {"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE",
                             "SLURM_STEP_ID", "SLURM_PROCID", "SLURM_NTASKS", "SLURM_STEP_NUM_TASKS", "SLURM_MPI_TYPE"})
        if (const char* value = std::getenv(name)) env[name] = value;
    return detect_launch(env);
}

}  // namespace lskd::distributed
