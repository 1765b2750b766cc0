// Small real run files for the run-analysis tests: the distill fixture's 600-example Fashion-MNIST MLP, trained
// once per process and α, and copied for each test (analyses write into the file they read).
#pragma once
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>
#include "tests/test_dir.hpp"

#include <fmt/format.h>

#include "tests/distill/run_fixture.hpp"

namespace lskd::testing {

inline const std::string& trained_run(double alpha = 0.0) {
    static std::map<double, std::string> runs;
    auto it = runs.find(alpha);
    if (it == runs.end()) {
        distill::RunConfig c = small_run_config(temp_path(fmt::format("study_base_a{}.h5", alpha)));
        c.smoothing = alpha;
        distill::train(c, small_dataset(), quiet());
        it = runs.emplace(alpha, c.output).first;
    }
    return it->second;
}

// A fresh copy of the trained run of α at a temporary path named `name`.
inline std::string run_copy(const std::string& name, double alpha = 0.0) {
    const std::string path = temp_path(name);
    std::filesystem::copy_file(trained_run(alpha), path);
    return path;
}

// An empty temporary directory named `name`.
inline std::filesystem::path temp_dir(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / lskd::testing::process_test_dir() / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

inline std::vector<char> file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace lskd::testing
