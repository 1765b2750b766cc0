// libFuzzer harness of the run readers' checks: the input is an HDF5 file, written once as the checkpoint of a
// temporary run directory of this process (distill::load_run, which reads the header and the state) and once as a
// split-outputs file (distill::read_split_outputs, as a record with penultimate features and as outputs without),
// since HDF5 reads files; every input must end in what was read or lskd::Error, never a crash, a leak or undefined
// behaviour. Inputs in HDF5's pre-1.8 format (the *_earliest.h5 seeds and the local-heap crash of tests/fuzz/findings)
// go through the check that reads them in a child process first (framework/io/h5_old_format.hpp), so a crash of
// libhdf5 on one must come back as that check's Error.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "distill/checkpoint.hpp"
#include "distill/split_outputs_file.hpp"
#include "framework/core/error.hpp"
#include "framework/io/h5_old_format.hpp"
#include "tests/fuzz/process_folder.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // Below libFuzzer's -timeout of 10 s (run_fuzzers.sh): a loop in libhdf5 must end as the check's Error, not be
    // reported as a hang of the harness.
    lskd::io::SandboxLimits limits;
    limits.seconds = 3;
    limits.memory_bytes = std::size_t{512} << 20;
    lskd::io::override_old_format_check_limits(limits);
    return 0;
}

namespace {

void write_input(const std::string& path, const std::uint8_t* data, std::size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace fs = std::filesystem;
    static const lskd::fuzzing::ProcessFolder folder("lskd-fuzz-run");
    static const lskd::distill::RunDirectory run(folder.root().string());
    fs::create_directories(run.dir());
    write_input(run.checkpoint(), data, size);
    try {
        lskd::distill::load_run(run.dir());
    } catch (const lskd::Error&) {
    }
    fs::remove(run.checkpoint());
    const std::string outputs = run.outputs("test");
    fs::create_directories(run.outputs_dir());
    write_input(outputs, data, size);
    for (const bool penultimate : {true, false}) {
        try {
            lskd::distill::read_split_outputs(outputs, 3, penultimate);
        } catch (const lskd::Error&) {
        }
    }
    fs::remove(outputs);
    return 0;
}
