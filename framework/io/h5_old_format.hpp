// HDF5 files in the pre-1.8 format (superblock version 0 or 1: libhdf5's and h5py's default) are opened only after
// a forked child process has read every object in them within a time and a memory limit (sandboxed_check.hpp). That
// format has no checksums, and libhdf5 1.10 crashes or loops on some damaged files in it (tests/fuzz/findings);
// in the child, such a crash becomes an Error naming the file. H5File::open_read runs the check; files in the 1.8+
// format, which lskd writes, open directly.
#pragma once
#include <cstdint>
#include <optional>

#include "framework/io/sandboxed_check.hpp"

namespace lskd::io {

// The limits of the check of a file of `file_bytes` bytes.
SandboxLimits old_format_check_limits(std::uintmax_t file_bytes);

// Replaces those limits in every later check, for tests and the fuzzer (whose own time-out is shorter); nullopt
// restores them.
void override_old_format_check_limits(std::optional<SandboxLimits> limits);

}  // namespace lskd::io
