// claim_output_file and its steps: lstat checks, directories, the lock, inputs, then --force.
#include "framework/io/output_policy.hpp"

#include <filesystem>
#include <system_error>

#include "framework/core/error.hpp"
#include "framework/io/file_kind.hpp"

namespace lskd::io {
namespace fs = std::filesystem;

void check_replaceable(const std::string& path) {
    std::error_code ec;
    const fs::file_status status = fs::symlink_status(path, ec);
    if (!fs::exists(status) || fs::is_regular_file(status)) return;
    if (fs::is_symlink(status))
        fail("{}: the output exists and is a symbolic link; lskd replaces only regular files (the rename would "
             "replace the link, not '{}': name that instead)",
             path, fs::read_symlink(path, ec).string());
    fail("{}: the output exists and is {}; lskd replaces only regular files", path, file_kind(status.type()));
}

void check_replaceable_directory(const std::string& path) {
    std::error_code ec;
    const fs::file_status status = fs::symlink_status(path, ec);
    if (!fs::exists(status) || fs::is_directory(status)) return;
    if (fs::is_symlink(status))
        fail("{}: the output exists and is a symbolic link; lskd writes a run only into a directory of that name "
             "(name '{}' instead)",
             path, fs::read_symlink(path, ec).string());
    fail("{}: the output exists and is {}, not a run directory", path, file_kind(status.type()));
}

void make_output_directory(const std::string& dir) {
    if (dir.empty()) return;
    std::error_code ec;
    const fs::file_status status = fs::status(dir, ec);
    if (fs::is_directory(status)) return;
    if (fs::exists(status)) fail("{}: exists and is {}, not a directory to write into", dir, file_kind(status.type()));
    fs::create_directories(dir, ec);
    if (ec) fail("{}: cannot create the directory: {}", dir, ec.message());
}

FileLock claim_output_file(const OutputFile& output) {
    const std::string& path = output.path;
    if (path.empty()) fail("no output path given");
    if (output.directory)
        check_replaceable_directory(path);
    else
        check_replaceable(path);
    make_output_directory(fs::path(path).parent_path().string());
    FileLock lock = FileLock::try_lock_file(path, output.purpose);
    std::error_code ec;
    // An empty directory in a run's place holds nothing to lose: one made by hand, or left by a run stopped before
    // its first checkpoint. It is written into as if absent.
    const bool exists = fs::exists(path, ec) && !(output.directory && fs::is_empty(path, ec));
    if (exists)
        for (const std::string& input : output.inputs)
            if (!input.empty() && fs::equivalent(path, input, ec))
                fail("{}: the output is the same file as the input '{}'; choose another output", path, input);
    if (output.resume) {
        if (!exists) fail("{}: cannot resume: no such {}", path, output.directory ? "run" : "file");
        if (output.directory) remove_dead_temporaries_within(path);
        return lock;
    }
    if (!exists) return lock;
    if (!output.force) fail("{}: output exists ({})", path, output.exists_advice);
    if (!output.replaceable) fail("{}: output exists and this command replaces nothing", path);
    if (const auto reason = output.replaceable(path))
        fail("{}: --force replaces only {}, and this is not one ({}); move it away first", path, output.replaces,
             *reason);
    if (output.directory) remove_dead_temporaries_within(path);  // a run's, judged by `replaceable`
    return lock;
}

}  // namespace lskd::io
