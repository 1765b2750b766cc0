// Runs the built lskd binary (or any program) as a child process from an argument vector and captures its exit
// code, stdout and stderr, for the command-line tests. The captures live in this test process's temporary folder.
#pragma once
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "study/child_process.hpp"
#include "tests/test_dir.hpp"

namespace lskd::testing {

inline const std::string kLskd = LSKD_BINARY_DIR "/tools/lskd";

struct ProgramOutput {
    int code = 0;
    std::string out;
    std::string err;
};

// A temporary folder of this test process named `name`, emptied.
inline std::filesystem::path cli_temp_dir(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / process_test_dir() / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

inline std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline ProgramOutput run_program(const std::vector<std::string>& argv) {
    const auto dir = cli_temp_dir("captured");
    ProgramOutput r;
    r.code = study::run_child(argv, (dir / "stdout").string(), (dir / "stderr").string());
    r.out = read_text(dir / "stdout");
    r.err = read_text(dir / "stderr");
    return r;
}

inline ProgramOutput run_lskd(std::vector<std::string> args) {
    args.insert(args.begin(), kLskd);
    return run_program(args);
}

inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

inline std::vector<std::string> words_of(const std::string& text) {
    std::istringstream in(text);
    return {std::istream_iterator<std::string>(in), std::istream_iterator<std::string>()};
}

}  // namespace lskd::testing
