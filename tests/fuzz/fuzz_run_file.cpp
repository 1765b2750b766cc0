// libFuzzer harness of the run-file reader's checks (distill::load_run): the input is an HDF5 file, written to
// a temporary file of this process, since HDF5 reads files; every input must end in a RunContents or
// lskd::Error, never a crash, a leak or undefined behaviour. Inputs in HDF5's pre-1.8 format (the *_earliest.h5
// seeds and the local-heap crash of tests/fuzz/findings) go through the check that reads them in a child process
// first (framework/io/h5_old_format.hpp), so a crash of libhdf5 on one must come back as that check's Error.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "distill/checkpoint.hpp"
#include "framework/core/error.hpp"
#include "framework/io/h5_old_format.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // Below libFuzzer's -timeout of 10 s (run_fuzzers.sh): a loop in libhdf5 must end as the check's Error, not be
    // reported as a hang of the harness.
    lskd::io::SandboxLimits limits;
    limits.seconds = 3;
    limits.memory_bytes = std::size_t{512} << 20;
    lskd::io::override_old_format_check_limits(limits);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path =
        (std::filesystem::temp_directory_path() / ("lskd-fuzz-run-" + std::to_string(::getpid()) + ".h5")).string();
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
        lskd::distill::load_run(path);
    } catch (const lskd::Error&) {
    }
    std::filesystem::remove(path);
    return 0;
}
