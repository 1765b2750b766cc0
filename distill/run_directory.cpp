#include "distill/run_directory.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "framework/core/error.hpp"
#include "framework/io/file_kind.hpp"
#include "framework/io/h5_file.hpp"

namespace lskd::distill {
namespace fs = std::filesystem;

RunDirectory::RunDirectory(std::string dir) : dir_(std::move(dir)) {
    while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
}

std::string RunDirectory::checkpoint() const { return dir_ + "/checkpoint.h5"; }
std::string RunDirectory::checkpoint_spare() const { return dir_ + "/checkpoint.spare.h5"; }
std::string RunDirectory::records_dir() const { return dir_ + "/records"; }
std::string RunDirectory::outputs_dir() const { return dir_ + "/outputs"; }
std::string RunDirectory::analyses_dir() const { return dir_ + "/analyses"; }
std::string RunDirectory::metrics_csv() const { return dir_ + "/metrics.csv"; }

std::string RunDirectory::record(std::string_view split, std::int64_t epoch) const {
    return fmt::format("{}/{}_epoch_{}.h5", records_dir(), split, epoch);
}

std::string RunDirectory::outputs(std::string_view split) const {
    return fmt::format("{}/{}.h5", outputs_dir(), split);
}

std::string RunDirectory::analysis(std::string_view name) const {
    return fmt::format("{}/{}.h5", analyses_dir(), name);
}

std::vector<std::int64_t> RunDirectory::recorded_epochs(std::string_view split) const {
    const std::string prefix = fmt::format("{}_epoch_", split);
    std::vector<std::int64_t> epochs;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(records_dir(), ec)) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with(prefix) || !name.ends_with(".h5")) continue;
        const std::string_view digits(name.data() + prefix.size(), name.size() - prefix.size() - 3);
        std::int64_t epoch = 0;
        const auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), epoch);
        if (err == std::errc() && end == digits.data() + digits.size() && epoch > 0) epochs.push_back(epoch);
    }
    std::sort(epochs.begin(), epochs.end());
    return epochs;
}

void check_run_directory(const std::string& path) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (!fs::exists(status)) fail("{}: no such run", path);
    if (fs::is_regular_file(status)) {
        const io::H5File f = io::H5File::open_read(path);
        if (f.has_attr("/", "format") && f.attr_string("/", "format") == kLegacyRunFormat)
            fail("{}: a run file of an earlier lskd ({}); convert it to a run directory with `lskd convert-run {} "
                 "<new run directory>`",
                 path, kLegacyRunFormat, path);
        fail("{}: not an lskd run (a run is a directory holding checkpoint.h5)", path);
    }
    if (!fs::is_directory(status))
        fail("{}: is {}, not a run (a run is a directory holding checkpoint.h5)", path, io::file_kind(status.type()));
    if (!fs::exists(RunDirectory(path).checkpoint(), ec))
        fail("{}: not an lskd run, or one that finished no epoch: no checkpoint.h5", path);
}

bool is_run_directory(const std::string& path) {
    std::error_code ec;
    return fs::is_directory(path, ec) && fs::is_regular_file(RunDirectory(path).checkpoint(), ec);
}

io::FileLock claim_run_directory(io::OutputFile output) {
    const fs::path path(output.path);
    std::error_code ec;
    if ((path.extension() == ".h5" || path.extension() == ".hdf5") && !fs::exists(path, ec))
        fail("{}: a run is a directory (checkpoint.h5, metrics.csv, records/, outputs/), not one HDF5 file; name it "
             "without '{}', e.g. '{}'",
             output.path, path.extension().string(), (path.parent_path() / path.stem()).string());
    output.directory = true;
    output.replaces = "an lskd run directory";
    output.replaceable = [](const std::string& dir) -> std::optional<std::string> {
        if (is_run_directory(dir)) return std::nullopt;
        return std::string("it holds no checkpoint.h5");
    };
    return io::claim_output_file(output);
}

void remove_run_files(const RunDirectory& run) {
    std::error_code ec;
    for (const std::string& dir : {run.records_dir(), run.outputs_dir(), run.analyses_dir()}) fs::remove_all(dir, ec);
    for (const std::string& file : {run.checkpoint(), run.checkpoint_spare(), run.metrics_csv()}) fs::remove(file, ec);
}

}  // namespace lskd::distill
