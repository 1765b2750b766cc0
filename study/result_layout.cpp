#include "study/result_layout.hpp"

#include <filesystem>

#include "distill/run_directory.hpp"
#include "framework/core/error.hpp"

namespace lskd::study::layout {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRuns = "runs";
constexpr const char* kCache = "cache";
constexpr const char* kLogs = "logs";
constexpr const char* kOldCache = "teacher_cache";  // the flat layout's

void move(const fs::path& from, const fs::path& to) {
    std::error_code ec;
    fs::create_directories(to.parent_path(), ec);
    if (!ec) fs::rename(from, to, ec);
    if (ec) fail("{}: cannot move it to {}: {}", from.string(), to.string(), ec.message());
}

// Moves `from` (a run directory, or any entry) to `to` unless it is not there; both there is an Error (the newer
// layout's copy would win silently).
std::size_t move_if_present(const fs::path& from, const fs::path& to) {
    if (!fs::exists(fs::symlink_status(from))) return 0;
    if (fs::exists(fs::symlink_status(to)))
        fail("{}: also present as {}; remove the one you do not want and run again", from.string(), to.string());
    move(from, to);
    return 1;
}

// The cache files are named by their teacher's hash: one present in both folders is the same teacher's logits.
std::size_t adopt_cache(const fs::path& dir) {
    const fs::path old = dir / kOldCache, now = dir / kCache;
    if (!fs::is_directory(fs::symlink_status(old))) return 0;
    if (!fs::exists(fs::symlink_status(now))) {
        move(old, now);
        return 1;
    }
    std::size_t moved = 0;
    for (const auto& entry : fs::directory_iterator(old))
        if (!fs::exists(now / entry.path().filename())) {
            move(entry.path(), now / entry.path().filename());
            ++moved;
        }
    std::error_code ec;
    fs::remove(old, ec);  // only when empty; a leftover duplicate stays for the user to see
    return moved;
}

}  // namespace

std::string run_entry(const std::string& name) { return (fs::path(kRuns) / name).string(); }
std::string run_path(const std::string& dir, const std::string& name) {
    return (fs::path(dir) / kRuns / name).string();
}
std::string cache_dir(const std::string& dir) { return (fs::path(dir) / kCache).string(); }
std::string image_cache_dir(const std::string& dir) { return (fs::path(dir) / kCache / "images").string(); }
std::string logs_dir(const std::string& dir) { return (fs::path(dir) / kLogs).string(); }
std::string job_log(const std::string& dir, const std::string& run_name) {
    return (fs::path(logs_dir(dir)) / (run_name + ".log")).string();
}
std::string job_config(const std::string& dir, const std::string& run_name) {
    return (fs::path(logs_dir(dir)) / (run_name + ".yaml")).string();
}

void refuse_run_files(const std::string& dir, const std::vector<std::string>& run_names) {
    for (const std::string& name : run_names)
        for (const fs::path& old : {fs::path(dir) / (name + ".h5"), fs::path(run_path(dir, name + ".h5"))})
            if (fs::exists(fs::symlink_status(old)))
                fail("{}: a run file of an earlier lskd ({}); convert it to a run directory with `lskd convert-run {} "
                     "{}`, then run again",
                     old.string(), distill::kLegacyRunFormat, old.string(), run_path(dir, name));
}

std::size_t adopt_flat_layout(const std::string& dir, const std::vector<std::string>& run_names) {
    refuse_run_files(dir, run_names);
    std::size_t moved = 0;
    for (const std::string& name : run_names)
        moved += move_if_present((fs::path(dir) / name).string(), run_path(dir, name));
    return moved + adopt_cache(dir);
}

}  // namespace lskd::study::layout
