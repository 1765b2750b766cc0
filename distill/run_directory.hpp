// Where each part of a run lives. A run is a directory (docs/run-file.md): a checkpoint rewritten after every
// epoch, and records, final outputs and analyses each written once into a file of their own, so that no write
// copies another and a kill at any instant leaves every file whole.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "framework/io/output_policy.hpp"

namespace lskd::distill {

inline constexpr const char* kRunFormat = "lskd-run/3";
inline constexpr const char* kLegacyRunFormat = "lskd-run/2";  // one HDF5 file, rewritten whole every epoch

class RunDirectory {
public:
    explicit RunDirectory(std::string dir);

    const std::string& dir() const { return dir_; }
    // Header, metrics and the state a run resumes from: the only file rewritten after every epoch.
    std::string checkpoint() const;
    // The file the next checkpoint is written into (between two writes, the epoch before's checkpoint): a run's
    // checkpoints reuse its blocks (io::AtomicFile::recycle). Never read as a checkpoint; gone once the run is
    // complete.
    std::string checkpoint_spare() const;
    // The activation records of a split ("train", "val", "test") at an epoch, written once.
    std::string record(std::string_view split, std::int64_t epoch) const;
    // A whole split's logits at the last epoch ("test", "val"), written once.
    std::string outputs(std::string_view split) const;
    // One analysis's results ("calibration", "projection_val", "mi", ...), replaced only by a rerun of it.
    std::string analysis(std::string_view name) const;
    std::string metrics_csv() const;

    std::string records_dir() const;
    std::string outputs_dir() const;
    std::string analyses_dir() const;

    // The epochs with a record file of `split`, ascending (files of epochs a checkpoint does not yet cover, left
    // by a kill, included: callers compare with the checkpoint's epochs_done).
    std::vector<std::int64_t> recorded_epochs(std::string_view split) const;

private:
    std::string dir_;
};

// Fails naming `path` unless it is a run directory with a checkpoint. A file of an earlier lskd (lskd-run/2)
// is named as such, with the command that converts it.
void check_run_directory(const std::string& path);

// Whether `path` is a directory holding lskd's checkpoint (any damage to it aside): what --force may replace.
bool is_run_directory(const std::string& path);

// Claims `output` as a run directory by lskd's output policy (framework/io/output_policy.hpp): --force replaces
// only an lskd run directory. A new run named like one HDF5 file ("run.h5", ".hdf5") is refused before anything is
// made, since the run would be a directory by that name that h5py and h5dump cannot open; an existing run
// directory so named (resumed, replaced) is accepted.
io::FileLock claim_run_directory(io::OutputFile output);

// Removes lskd's files from the run directory `run` (checkpoint, metrics table, records, outputs, analyses) and
// nothing else: what --force replaces.
void remove_run_files(const RunDirectory& run);

}  // namespace lskd::distill
