// libFuzzer harness of the run-file reader's checks (distill::load_run): the input is an HDF5 file, written to
// a temporary file of this process, since HDF5 reads files; every input must end in a RunContents or
// lskd::Error, never a crash, a leak or undefined behaviour.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "distill/run_file.hpp"
#include "framework/core/error.hpp"

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
