// Small real runs for the run-analysis tests: the distill fixture's 600-example Fashion-MNIST MLP, trained once per
// process and α, and copied for each test (analyses write into the run directory they read).
#pragma once
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>
#include "tests/test_dir.hpp"

#include <fmt/format.h>

#include "distill/mi_probe.hpp"
#include "tests/distill/run_fixture.hpp"

namespace lskd::testing {

inline const std::string& trained_run(double alpha = 0.0) {
    static std::map<double, std::string> runs;
    auto it = runs.find(alpha);
    if (it == runs.end()) {
        distill::RunConfig c = small_run_config(temp_path(fmt::format("study_base_a{}", alpha)));
        c.smoothing = alpha;
        distill::train(c, small_dataset(), quiet());
        it = runs.emplace(alpha, c.output).first;
    }
    return it->second;
}

// MI settings the small runs allow: their training split holds 60 examples per class.
inline distill::MiSettings small_mi_settings() {
    distill::MiSettings s;
    s.examples = 100;
    s.views = 5;
    return s;
}

// A fresh copy of the trained run directory of α at a temporary path named `name`.
inline std::string run_copy(const std::string& name, double alpha = 0.0) {
    const auto path = std::filesystem::temp_directory_path() / lskd::testing::process_test_dir() / name;
    std::filesystem::remove_all(path);
    std::filesystem::copy(trained_run(alpha), path, std::filesystem::copy_options::recursive);
    return path.string();
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

// Every regular file below `dir` (relative path) with its bytes and modification time: what a run directory holds
// (a file at `dir` itself: that file).
struct FileState {
    std::vector<char> bytes;
    std::filesystem::file_time_type mtime;
    bool operator==(const FileState&) const = default;
};
inline std::map<std::string, FileState> tree_state(const std::string& dir) {
    std::map<std::string, FileState> files;
    if (!std::filesystem::exists(dir)) return files;
    if (!std::filesystem::is_directory(dir)) return {{"", {file_bytes(dir), std::filesystem::last_write_time(dir)}}};
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
        if (entry.is_regular_file())
            files[std::filesystem::relative(entry.path(), dir).string()] = {file_bytes(entry.path().string()),
                                                                            entry.last_write_time()};
    return files;
}

}  // namespace lskd::testing
