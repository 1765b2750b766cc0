// A temporary folder name of this test process's own: CTest runs several test processes at once, and
// two of them must never write the same run or HDF5 file (HDF5 locks files, and atomic writes share a name).
#pragma once
#include <unistd.h>

#include <string>

namespace lskd::testing {

inline std::string process_test_dir() { return "lskd-tests-" + std::to_string(::getpid()); }

}  // namespace lskd::testing
