// A run file of an earlier lskd (format lskd-run/2: one HDF5 file holding the checkpoint, every record, the final
// test outputs and the analyses) converted into a run directory (distill/run_directory.hpp), the contents copied
// as they are stored. `lskd convert-run OLD.h5 NEW`; the mapping is in docs/run-file.md.
#pragma once
#include <cstdint>
#include <string>

namespace lskd::distill {

struct ConvertedRun {
    std::int64_t records = 0;   // record files written
    std::int64_t outputs = 0;   // whole-split output files written
    std::int64_t analyses = 0;  // analysis files written
};

// Converts the lskd-run/2 file `old_file` into the run directory `new_dir`, which must not exist, or with `force`
// may be an lskd run directory whose lskd files are replaced. The output is locked (NEW.lock) and each file written
// atomically, the checkpoint last, so that an interrupted conversion leaves no checkpoint: nothing a reader takes
// for a run. Every problem is an Error naming the file.
ConvertedRun convert_legacy_run(const std::string& old_file, const std::string& new_dir, bool force);

}  // namespace lskd::distill
