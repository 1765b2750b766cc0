// A temporary folder of this fuzzing process's own (its name ends in the process id), made on construction and
// removed with everything in it on destruction. Held in a function-local static, it goes when libFuzzer ends the
// process with exit(), so a fuzzing session leaves nothing in the temporary directory.
#pragma once
#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace lskd::fuzzing {

class ProcessFolder {
public:
    explicit ProcessFolder(const std::string& prefix)
        : root_(std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(::getpid()))) {
        std::filesystem::create_directories(root_);
    }
    ~ProcessFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(root_, ignored);
    }
    ProcessFolder(const ProcessFolder&) = delete;
    ProcessFolder& operator=(const ProcessFolder&) = delete;

    const std::filesystem::path& root() const { return root_; }

private:
    std::filesystem::path root_;
};

}  // namespace lskd::fuzzing
