#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "distill/run_directory.hpp"
#include "distill/split_outputs_file.hpp"
#include "framework/core/error.hpp"
#include "framework/io/file_lock.hpp"
#include "framework/io/h5_file.hpp"
#include "tests/distill/run_fixture.hpp"
#include "tests/io/io_test_support.hpp"
#include "tests/io/lock_holder.hpp"
#include "tests/io/special_files.hpp"

using namespace lskd;
using namespace lskd::testing;
namespace fs = std::filesystem;

namespace {

distill::TrainOptions forced() {
    distill::TrainOptions o = quiet();
    o.force = true;
    return o;
}

std::string dead_pid() {
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    ::waitpid(pid, nullptr, 0);
    return std::to_string(pid);
}

// The names of the entries of `dir`, sorted.
std::vector<std::string> entries_of(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

TEST_CASE("a second writer of a run stops before any work and touches nothing", "[distill][output]") {
    const std::string path = temp_path("same");
    const io::testing::LockHolder first(path, false);
    for (const distill::TrainOptions& o : {quiet(), forced()})
        CHECK_THROWS_WITH(distill::train(small_run_config(path), small_dataset(), o),
                          Catch::StartsWith(path + " is being written by process " + std::to_string(first.pid())));
    CHECK_FALSE(fs::exists(path));
}

TEST_CASE("a new run named like an HDF5 file is refused, creating nothing; an existing run so named is kept",
          "[distill][output]") {
    for (const std::string name : {"named/run.h5", "named/run.hdf5"}) {
        const std::string path = temp_path(name);
        CHECK_THROWS_WITH(distill::train(small_run_config(path), small_dataset(), quiet()),
                          Catch::StartsWith(path + ": a run is a directory") &&
                              Catch::Contains("e.g. '" + temp_path("named/run") + "'"));
        CHECK_FALSE(fs::exists(temp_path("named")));
    }
    // A run directory so named (by an lskd that allowed it) is resumed and replaced as any other.
    const std::string run = distill::train(small_run_config(temp_path("old_name")), small_dataset(), quiet()).output;
    const std::string renamed = temp_path("old_name.h5");
    fs::rename(run, renamed);
    CHECK(distill::train(small_run_config(renamed), small_dataset(), forced()).output == renamed);
    CHECK(distill::is_run_directory(renamed));
}

TEST_CASE("with --force, only an lskd run directory is replaced, and only lskd's files in it", "[distill][output]") {
    const std::string run = distill::train(small_run_config(temp_path("force_run")), small_dataset(), quiet()).output;
    const std::string checkpoint_bytes = io::testing::read_bytes(distill::RunDirectory(run).checkpoint());

    SECTION("a symbolic link, even to a run directory, is refused and left as it is") {
        const std::string link = temp_path("force_link");
        fs::create_directory_symlink(run, link);
        CHECK_THROWS_WITH(distill::train(small_run_config(link), small_dataset(), forced()),
                          Catch::Contains("exists and is a symbolic link"));
        CHECK(fs::is_symlink(link));
        CHECK(io::testing::read_bytes(distill::RunDirectory(run).checkpoint()) == checkpoint_bytes);
    }
    SECTION("a regular file and a device are refused, with nothing created beside them") {
        const std::string file = temp_path("force_file.h5");
        io::testing::write_bytes(file, "my notes");
        CHECK_THROWS_WITH(distill::train(small_run_config(file), small_dataset(), forced()),
                          Catch::Contains("exists and is a regular file, not a run directory"));
        CHECK(io::testing::read_bytes(file) == "my notes");
        CHECK_FALSE(fs::exists(file + ".lock"));
        const std::string device = temp_path("force_device");
        if (!io::testing::make_char_device(device)) {
            WARN("SKIPPED: mknod is not permitted here (needs root); the device case is untested");
            return;
        }
        CHECK_THROWS_WITH(distill::train(small_run_config(device), small_dataset(), forced()),
                          Catch::StartsWith(device + ": the output exists and is a character device"));
        CHECK(fs::is_character_file(device));
        CHECK_FALSE(fs::exists(device + ".lock"));
        fs::remove(device);
    }
    SECTION("a directory that is not a run is refused and left untouched") {
        const std::string dir = temp_path("force_notes");
        fs::create_directories(dir + "/records");
        io::testing::write_bytes(dir + "/notes.txt", "my notes");
        io::testing::write_bytes(dir + "/metrics.csv", "my table");
        const std::string leftover = "x.tmp." + dead_pid();  // not lskd's to delete outside a run
        io::testing::write_bytes(dir + "/records/" + leftover, "mine");
        CHECK_THROWS_WITH(distill::train(small_run_config(dir), small_dataset(), forced()),
                          Catch::Contains("--force replaces only an lskd run directory"));
        CHECK(entries_of(dir) == std::vector<std::string>{"metrics.csv", "notes.txt", "records"});
        CHECK(io::testing::read_bytes(dir + "/notes.txt") == "my notes");
        CHECK(io::testing::read_bytes(dir + "/metrics.csv") == "my table");
        CHECK(entries_of(dir + "/records") == std::vector<std::string>{leftover});
    }
    SECTION("the teacher, under any name, is never the output") {
        distill::RunConfig student = small_run_config(fs::path(run).parent_path().string() + "/./force_run");
        student.teacher = run;
        CHECK_THROWS_WITH(distill::claim_output(student, forced()), Catch::Contains("is the same file as the input"));
        CHECK(io::testing::read_bytes(distill::RunDirectory(run).checkpoint()) == checkpoint_bytes);
    }
    SECTION("a run directory is replaced: lskd's files, and nothing else") {
        io::testing::write_bytes(run + "/notes.txt", "my notes");
        fs::create_directories(run + "/analyses");
        io::testing::write_bytes(distill::RunDirectory(run).analysis("erasure"), "an older analysis");
        distill::RunConfig again = small_run_config(run);
        again.epochs = 1;
        distill::train(again, small_dataset(), forced());
        CHECK(distill::load_run(run).epochs_done == 1);
        CHECK(distill::RunDirectory(run).recorded_epochs("train") == std::vector<std::int64_t>{1});
        CHECK_FALSE(fs::exists(distill::RunDirectory(run).analyses_dir()));
        CHECK(io::testing::read_bytes(run + "/notes.txt") == "my notes");
    }
}

TEST_CASE("a resumed run clears the temporary files that killed writers left in its directory", "[distill][output]") {
    distill::RunConfig c = small_run_config(temp_path("leftover"));
    c.epochs = 1;
    distill::train(c, small_dataset(), quiet());
    const distill::RunDirectory run(c.output);
    const std::string pid = dead_pid();
    const std::string dead_checkpoint = run.checkpoint() + ".tmp." + pid;
    const std::string dead_record = run.record("train", 2) + ".tmp." + pid;
    io::testing::write_bytes(dead_checkpoint, "half a checkpoint");
    io::testing::write_bytes(dead_record, "half a record");
    io::testing::write_bytes(run.checkpoint() + ".tmp.1", "pid 1 is alive");
    c.epochs = 2;
    distill::TrainOptions resume = quiet();
    resume.resume = true;
    distill::train(c, small_dataset(), resume);
    CHECK_FALSE(fs::exists(dead_checkpoint));
    CHECK_FALSE(fs::exists(dead_record));
    CHECK(fs::exists(run.checkpoint() + ".tmp.1"));
    fs::remove(run.checkpoint() + ".tmp.1");
}

TEST_CASE("the checkpoint does not grow with the epochs: records live in files of their own", "[distill][output]") {
    distill::RunConfig one = small_run_config(temp_path("size_1"));
    one.epochs = 1;
    distill::RunConfig eight = small_run_config(temp_path("size_8"));
    eight.epochs = 8;
    distill::train(one, small_dataset(), quiet());
    distill::train(eight, small_dataset(), quiet());
    const auto size_1 = fs::file_size(distill::RunDirectory(one.output).checkpoint());
    const auto size_8 = fs::file_size(distill::RunDirectory(eight.output).checkpoint());
    INFO("1 epoch: " << size_1 << " bytes, 8 epochs: " << size_8 << " bytes");
    // 8 epochs add 7 values to each metric, nothing else.
    CHECK(size_8 < size_1 + 16 * 1024);
    CHECK(distill::RunDirectory(eight.output).recorded_epochs("test") == std::vector<std::int64_t>{8});
}

TEST_CASE("records of earlier epochs are written once and kept as they are across an interruption",
          "[distill][output]") {
    distill::RunConfig config = small_run_config(temp_path("carried"));
    config.epochs = 4;
    config.record_every = 1;
    distill::TrainHooks crash;
    crash.epoch_metrics["crash"] = [](models::Classifier&, const data::Dataset&,
                                      std::int64_t e) -> std::optional<double> {
        if (e == 3) throw std::runtime_error("killed");
        return 0.0;
    };
    CHECK_THROWS(distill::train(config, small_dataset(), quiet(), crash));
    const distill::RunDirectory run(config.output);
    const std::string epoch_1 = io::testing::read_bytes(run.record("test", 1));
    const auto written = fs::last_write_time(run.record("test", 1));
    distill::TrainOptions resume = quiet();
    resume.resume = true;
    distill::TrainHooks same;
    same.epoch_metrics["crash"] = [](models::Classifier&, const data::Dataset&, std::int64_t) {
        return std::optional<double>(0.0);
    };
    distill::train(config, small_dataset(), resume, same);
    CHECK(run.recorded_epochs("test") == std::vector<std::int64_t>{1, 2, 3, 4});
    CHECK(io::testing::read_bytes(run.record("test", 1)) == epoch_1);
    CHECK(fs::last_write_time(run.record("test", 1)) == written);
}

TEST_CASE("the last epoch's test-set outputs are the ones its metrics score", "[distill][output]") {
    distill::RunConfig c = small_run_config(temp_path("final_test"));
    c.epochs = 2;
    const auto r = distill::train(c, small_dataset(), quiet());
    const distill::StoredOutputs stored =
        distill::read_split_outputs(distill::RunDirectory(c.output).outputs("test"), 10, false);
    CHECK(stored.epoch == 2);
    const distill::SplitMetrics m = distill::score(stored.outputs);
    CHECK(m.accuracy == r.last.at("test_acc"));
    CHECK(m.nll == r.last.at("test_nll"));
    CHECK(m.ece == r.last.at("test_ece"));
}
