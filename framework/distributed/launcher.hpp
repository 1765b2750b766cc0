// Whether this process was started by an MPI launcher (mpirun, or srun with an MPI plugin), decided from its
// environment alone, so that lskd started any other way never initialises MPI.
#pragma once
#include <map>
#include <string>

namespace lskd::distributed {

using Environment = std::map<std::string, std::string>;

struct Launch {
    bool launched = false;
    std::string launcher;  // what gave it away: "Open MPI", "PMIx", "PMI", "srun"; empty when not launched
    int rank = 0;          // -1: known only once MPI is initialised (PMIx does not export the size)
    int size = 1;
};

// Launched when any of these is present (a missing or non-numeric value is an Error naming the variable):
//   OMPI_COMM_WORLD_RANK + OMPI_COMM_WORLD_SIZE   Open MPI's mpirun
//   PMIX_RANK                                     any PMIx launcher (Open MPI, srun --mpi=pmix)
//   PMI_RANK + PMI_SIZE                           MPICH's hydra, srun --mpi=pmi2
//   SLURM_PROCID + SLURM_NTASKS in an srun step (SLURM_STEP_ID) whose SLURM_MPI_TYPE is set and not "none"
// Slurm variables alone do not count: a batch script sees SLURM_PROCID=0 and SLURM_NTASKS=N without being a
// rank. An srun step of several tasks without an MPI plugin would start that many independent copies writing
// the same outputs, so it is an Error that says how to launch instead.
Launch detect_launch(const Environment& env);
// The same, from this process's environment.
Launch detect_launch();

}  // namespace lskd::distributed
