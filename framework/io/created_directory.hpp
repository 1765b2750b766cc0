// lskd::io::CreatedDirectory: the output directory of a command that fills it (a sweep, a study), created with its
// missing parents, and removed again if the command fails while it is still empty, so that a sweep which fails
// before its first run leaves no empty directory behind. A directory that existed before is never removed.
#pragma once
#include <filesystem>
#include <string>

namespace lskd::io {

class CreatedDirectory {
public:
    // Makes `dir` by the output policy's directory rule (io::make_output_directory: with its parents, refused
    // if it exists and is not a directory).
    explicit CreatedDirectory(const std::string& dir);
    // While an exception unwinds: removes the directories this call created, from `dir` upwards, as long as each
    // is empty (anything in one keeps it and those above it). Declare it before the locks taken inside `dir`, so
    // that their lock files are gone by then.
    ~CreatedDirectory();
    CreatedDirectory(const CreatedDirectory&) = delete;
    CreatedDirectory& operator=(const CreatedDirectory&) = delete;

    bool created() const { return !top_.empty(); }

private:
    std::filesystem::path dir_;
    std::filesystem::path top_;  // the outermost directory this call created; empty when `dir` existed
    int exceptions_at_start_;
};

}  // namespace lskd::io
