// What a run writes per epoch (docs/run-file.md): its checkpoint and metrics.csv are replaced after every epoch and
// nothing else is, so that the bytes an epoch writes do not depend on the epoch beyond the one row of metrics it
// adds; records and outputs are written once, on their epochs.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "framework/core/error.hpp"
#include "tests/distill/run_fixture.hpp"

using namespace lskd;
namespace fs = std::filesystem;

namespace {

// A file as last written: its size, and the inode and modification time that a replacement changes.
struct FileState {
    std::uintmax_t size = 0;
    ino_t inode = 0;
    std::int64_t mtime_ns = 0;
    bool operator==(const FileState&) const = default;
};
using DirState = std::map<std::string, FileState>;

DirState state_of(const std::string& dir) {
    DirState out;
    if (!fs::exists(dir)) return out;  // before the first epoch's files: the run's directory comes with them
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        struct stat st {};
        REQUIRE(::stat(e.path().c_str(), &st) == 0);
        out[fs::relative(e.path(), dir).string()] = {static_cast<std::uintmax_t>(st.st_size), st.st_ino,
                                                     st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec};
    }
    return out;
}

// The files created or replaced between two states, with their sizes.
std::map<std::string, std::uintmax_t> written(const DirState& before, const DirState& after) {
    std::map<std::string, std::uintmax_t> out;
    for (const auto& [path, s] : after) {
        const auto b = before.find(path);
        if (b == before.end() || !(b->second == s)) out[path] = s.size;
    }
    return out;
}

std::vector<std::string> lines_of(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// Waits until the checkpoint of the run at `dir` holds `epochs`, and metrics.csv its rows: an epoch's files move
// into place in the background while the next epoch trains, the checkpoint and then metrics.csv last.
void wait_for_checkpoint(const std::string& dir, std::int64_t epochs) {
    for (int i = 0; i < 10'000; ++i) {
        try {
            if (distill::read_run_header(dir).epochs_done >= epochs &&
                static_cast<std::int64_t>(lines_of(distill::RunDirectory(dir).metrics_csv()).size()) >= epochs + 1)
                return;
        } catch (const Error&) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    FAIL("the checkpoint of epoch " << epochs << " never came");
}

// Trains `config` and returns the files each epoch created or replaced, with their sizes: [e - 1] for epoch e. The
// directory is read as each epoch begins its evaluation, from an epoch metric, once the epoch before is in place,
// and after the last.
std::vector<std::map<std::string, std::uintmax_t>> written_per_epoch(const distill::RunConfig& config) {
    std::map<std::int64_t, DirState> states;
    distill::TrainHooks hooks;
    hooks.epoch_metrics["snapshot"] = [&](models::Classifier&, const data::Dataset&, std::int64_t epoch) {
        if (epoch > 1) wait_for_checkpoint(config.output, epoch - 1);
        if (epoch > 0) states[epoch] = state_of(config.output);
        return std::optional<double>(0.0);
    };
    distill::train(config, testing::small_dataset(), testing::quiet(), hooks);
    states[config.epochs + 1] = state_of(config.output);
    std::vector<std::map<std::string, std::uintmax_t>> out;
    for (std::int64_t e = 1; e <= config.epochs; ++e) out.push_back(written(states.at(e), states.at(e + 1)));
    return out;
}

}  // namespace

TEST_CASE("an epoch writes what the one before wrote plus a metrics row, replacing only checkpoint and metrics.csv",
          "[distill][epoch_bytes]") {
    distill::RunConfig config = testing::small_run_config(testing::temp_path("bytes_run"));
    config.epochs = 6;
    config.record_every = 0;
    const auto per_epoch = written_per_epoch(config);
    const std::vector<std::string> rows = lines_of(distill::RunDirectory(config.output).metrics_csv());
    REQUIRE(rows.size() == static_cast<std::size_t>(config.epochs) + 1);
    const auto metrics = static_cast<std::uintmax_t>(std::count(rows[0].begin(), rows[0].end(), ',') + 1);

    // Every epoch replaces the checkpoint and metrics.csv, and nothing else before the last: from the second on, the
    // checkpoint is written into the spare, which then takes the old checkpoint's name. What an epoch writes grows
    // only by the metrics' new row: a few times 8 bytes per metric in the checkpoint (the new row, and the blocks of
    // the metrics' shorter past lengths that a rewrite in place leaves free), and the table's row.
    for (std::int64_t e = 1; e <= config.epochs; ++e) {
        INFO("epoch " << e);
        const auto& files = per_epoch[static_cast<std::size_t>(e - 1)];
        REQUIRE(files.count("checkpoint.h5") == 1);
        REQUIRE(files.count("metrics.csv") == 1);
        if (e < config.epochs) CHECK(files.size() == (e == 1 ? 2 : 3));
        if (e > 1 && e < config.epochs) CHECK(files.count("checkpoint.spare.h5") == 1);
        if (e == 1) continue;
        const auto& before = per_epoch[static_cast<std::size_t>(e - 2)];
        const auto grown = static_cast<std::intmax_t>(files.at("checkpoint.h5")) -
                           static_cast<std::intmax_t>(before.at("checkpoint.h5"));
        CHECK(grown >= 0);
        CHECK(grown <= static_cast<std::intmax_t>(4 * 8 * metrics));
        CHECK(files.at("metrics.csv") - before.at("metrics.csv") == rows[static_cast<std::size_t>(e)].size() + 1);
    }
    // The last epoch adds its records and outputs, each a new file, and its checkpoint is renamed over the old one,
    // so no spare remains: a complete run is its checkpoint alone.
    const auto& last = per_epoch.back();
    CHECK_FALSE(fs::exists(distill::RunDirectory(config.output).checkpoint_spare()));
    for (const auto& [path, size] : last) {
        if (path == "checkpoint.h5" || path == "metrics.csv") continue;
        INFO(path);
        CHECK((path.starts_with("records/") || path.starts_with("outputs/")));
        CHECK((path.find("epoch_") == std::string::npos || path.ends_with("_epoch_6.h5")));
    }
    CHECK(last.size() == 2 + 3 + 2);  // records of train, val and test; outputs of test and val
}

TEST_CASE("a record epoch writes its own records once and no earlier epoch's again", "[distill][epoch_bytes]") {
    distill::RunConfig config = testing::small_run_config(testing::temp_path("record_bytes_run"));
    config.epochs = 4;
    config.record_every = 2;
    const auto per_epoch = written_per_epoch(config);
    using Names = std::vector<std::string>;
    const auto names = [&](std::size_t e) {
        Names out;
        for (const auto& [path, size] : per_epoch[e - 1]) out.push_back(path);
        return out;
    };
    CHECK(names(1) == Names{"checkpoint.h5", "metrics.csv"});
    CHECK(names(2) == Names{"checkpoint.h5", "checkpoint.spare.h5", "metrics.csv", "records/test_epoch_2.h5",
                            "records/train_epoch_2.h5", "records/val_epoch_2.h5"});
    CHECK(names(3) == Names{"checkpoint.h5", "checkpoint.spare.h5", "metrics.csv"});
    CHECK(names(4) == Names{"checkpoint.h5", "metrics.csv", "outputs/test.h5", "outputs/val.h5",
                            "records/test_epoch_4.h5", "records/train_epoch_4.h5", "records/val_epoch_4.h5"});
}
