#include "distill/legacy_run.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "distill/checkpoint.hpp"
#include "distill/metrics_csv.hpp"
#include "distill/run_directory.hpp"
#include "framework/core/error.hpp"
#include "framework/io/atomic_file.hpp"
#include "framework/io/h5_file.hpp"
#include "framework/io/output_policy.hpp"

namespace lskd::distill {
namespace {
namespace fs = std::filesystem;

// The groups of the old file that the checkpoint keeps, as they are; the rest is records, outputs and analyses.
constexpr const char* kCheckpointGroups[] = {"/params",  "/optimizer",     "/counters", "/classifier",
                                             "/metrics", "/early_metrics", "/data",     "/distill"};

io::H5File open_legacy(const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec))
        fail("{}: a directory (already a run?); convert-run converts a run file of an earlier lskd ({})", path,
             kLegacyRunFormat);
    if (!fs::is_regular_file(path, ec)) fail("{}: no such file", path);
    io::H5File f = io::H5File::open_read(path);
    const std::string format = f.has_attr("/", "format") ? f.attr_string("/", "format") : "";
    if (format != kLegacyRunFormat)
        fail("{}: not a run file of an earlier lskd (format attribute '{}', not '{}')", path, format, kLegacyRunFormat);
    return f;
}

bool has_group(const io::H5File& f, const std::string& group) { return f.has(group) && f.is_group(group); }

// A new file at `path` holding the group `group` of `old` at its root (attributes and members), then `extra`.
void write_group_file(const io::H5File& old, const std::string& group, const std::string& path,
                      const std::function<void(io::H5File&)>& extra = {}) {
    io::make_output_directory(fs::path(path).parent_path().string());
    io::atomic_write(path, [&](io::H5File& f) {
        f.copy_attrs_from(old, group, "/");
        for (const std::string& name : old.children(group)) f.copy_from(old, group + "/" + name, "/" + name);
        if (extra) extra(f);
    });
}

// The E of a record group's name "epoch_<E>"; an Error naming it otherwise.
std::int64_t record_epoch(const std::string& path, const std::string& group, const std::string& name) {
    const std::string_view digits = std::string_view(name).substr(std::min<std::size_t>(name.size(), 6));
    std::int64_t epoch = 0;
    const auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), epoch);
    if (!name.starts_with("epoch_") || err != std::errc() || end != digits.data() + digits.size() || epoch <= 0)
        fail("{}: {}/{} is not a record of an epoch (epoch_<E>)", path, group, name);
    return epoch;
}

// A member name of /records, /outputs or /analysis, which becomes part of a file name.
const std::string& checked_name(const std::string& path, const std::string& group, const std::string& name,
                                std::initializer_list<std::string_view> allowed) {
    const bool listed = std::find(allowed.begin(), allowed.end(), name) != allowed.end();
    const bool plain = !name.empty() &&
                       name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") == std::string::npos;
    if (allowed.size() > 0 ? !listed : !plain) fail("{}: unexpected member '{}' of {}", path, name, group);
    return name;
}

ConvertedRun write_parts(const io::H5File& old, const std::string& path, const RunDirectory& run) {
    ConvertedRun c;
    if (has_group(old, "/records"))
        for (const std::string& split : old.children("/records")) {
            const std::string group = "/records/" + checked_name(path, "/records", split, {"train", "val", "test"});
            for (const std::string& name : old.children(group)) {
                const std::int64_t epoch = record_epoch(path, group, name);
                write_group_file(old, group + "/" + name, run.record(split, epoch), [&](io::H5File& f) {
                    f.set_attr("/", "split", split);
                    f.set_attr("/", "epoch", epoch);
                });
                ++c.records;
            }
        }
    if (has_group(old, "/outputs"))
        for (const std::string& split : old.children("/outputs")) {
            const std::string group = "/outputs/" + checked_name(path, "/outputs", split, {"test", "val"});
            const std::int64_t epoch = old.attr_int64("/", "epochs_done");  // they were the last epoch's
            write_group_file(old, group, run.outputs(split), [&](io::H5File& f) {
                f.set_attr("/", "split", split);
                f.set_attr("/", "epoch", epoch);
            });
            ++c.outputs;
        }
    if (has_group(old, "/analysis"))
        for (const std::string& name : old.children("/analysis")) {
            write_group_file(old, "/analysis/" + checked_name(path, "/analysis", name, {}), run.analysis(name));
            ++c.analyses;
        }
    return c;
}

}  // namespace

ConvertedRun convert_legacy_run(const std::string& old_file, const std::string& new_dir, bool force) {
    const io::H5File old = open_legacy(old_file);
    io::OutputFile output;
    output.path = RunDirectory(new_dir).dir();
    output.purpose = "conversion";
    output.inputs = {old_file};
    output.force = force;
    const io::FileLock lock = claim_run_directory(output);
    const RunDirectory run(output.path);
    const bool existed = fs::exists(run.dir());
    remove_run_files(run);  // of a run that --force replaces; nothing otherwise
    io::make_output_directory(run.dir());
    try {
        const ConvertedRun c = write_parts(old, old_file, run);
        // Last: until the checkpoint is in place the directory is no run.
        io::atomic_write(run.checkpoint(), [&](io::H5File& f) {
            f.copy_attrs_from(old, "/", "/");
            f.set_attr("/", "format", kRunFormat);
            for (const char* group : kCheckpointGroups)
                if (old.has(group)) f.copy_from(old, group);
        });
        write_metrics_csv(run.dir(), read_run_header(run.dir()).metrics);
        return c;
    } catch (...) {
        std::error_code ec;
        if (existed)
            remove_run_files(run);
        else
            fs::remove_all(run.dir(), ec);
        throw;
    }
}

}  // namespace lskd::distill
