#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
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

}  // namespace

TEST_CASE("a second writer of a run file stops before any work and touches nothing", "[distill][output]") {
    const std::string path = temp_path("same.h5");
    const io::testing::LockHolder first(path, false);
    for (const distill::TrainOptions& o : {quiet(), forced()})
        CHECK_THROWS_WITH(distill::train(small_run_config(path), small_dataset(), o),
                          Catch::StartsWith(path + " is being written by process " + std::to_string(first.pid())));
    CHECK_FALSE(fs::exists(path));
    CHECK_FALSE(fs::exists(path + ".tmp." + std::to_string(::getpid())));
}

TEST_CASE("with --force, only a regular lskd run file is replaced", "[distill][output]") {
    const std::string run =
        distill::train(small_run_config(temp_path("force_run.h5")), small_dataset(), quiet()).output;
    const std::string run_bytes = io::testing::read_bytes(run);

    SECTION("a symbolic link, even to a run file, is refused and left as it is") {
        const std::string link = temp_path("force_link.h5");
        fs::create_symlink(run, link);
        CHECK_THROWS_WITH(distill::train(small_run_config(link), small_dataset(), forced()),
                          Catch::Contains("exists and is a symbolic link"));
        CHECK(fs::is_symlink(link));
        CHECK(io::testing::read_bytes(run) == run_bytes);
    }
    SECTION("a directory and a device are refused, with nothing created beside them") {
        const std::string dir = temp_path("force_dir.h5");
        fs::create_directories(dir);
        CHECK_THROWS_WITH(distill::train(small_run_config(dir), small_dataset(), forced()),
                          Catch::Contains("exists and is a directory"));
        CHECK_FALSE(fs::exists(dir + ".lock"));
        const std::string device = temp_path("force_device.h5");
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
    SECTION("a file that is not a run file is refused and kept") {
        const std::string text = temp_path("force_notes.h5");
        std::ofstream(text) << "my notes";
        CHECK_THROWS_WITH(distill::train(small_run_config(text), small_dataset(), forced()),
                          Catch::Contains("--force replaces only an lskd run file"));
        CHECK(io::testing::read_bytes(text) == "my notes");
        const std::string other_h5 = temp_path("force_other.h5");
        { io::H5File::create(other_h5).close(); }
        CHECK_THROWS_WITH(distill::train(small_run_config(other_h5), small_dataset(), forced()),
                          Catch::Contains("no 'lskd-run/2' format attribute"));
    }
    SECTION("the teacher, under any name, is never the output") {
        distill::RunConfig student = small_run_config(fs::path(run).parent_path().string() + "/./force_run.h5");
        student.teacher = run;
        CHECK_THROWS_WITH(distill::claim_output(student, forced()), Catch::Contains("is the same file as the input"));
        const std::string hard_link = temp_path("force_hard_link.h5");
        fs::create_hard_link(run, hard_link);
        student.output = hard_link;
        CHECK_THROWS_WITH(distill::claim_output(student, forced()),
                          Catch::Contains("is the same file as the input '" + run));
        CHECK(io::testing::read_bytes(run) == run_bytes);
    }
    SECTION("a run file is replaced") {
        distill::RunConfig again = small_run_config(run);
        again.epochs = 1;
        distill::train(again, small_dataset(), forced());
        CHECK(distill::load_run(run).epochs_done == 1);
    }
}

TEST_CASE("a run clears the temporary files that killed writers of its output left", "[distill][output]") {
    const std::string path = temp_path("leftover.h5");
    const std::string dead = path + ".tmp." + dead_pid();
    io::testing::write_bytes(dead, "half a run file");
    io::testing::write_bytes(path + ".tmp.1", "pid 1 is alive");
    distill::RunConfig c = small_run_config(path);
    c.epochs = 1;
    distill::train(c, small_dataset(), quiet());
    CHECK_FALSE(fs::exists(dead));
    CHECK(fs::exists(path + ".tmp.1"));
    fs::remove(path + ".tmp.1");
}

TEST_CASE("the run file does not grow with the epochs: records kept, nothing else", "[distill][output]") {
    distill::RunConfig one = small_run_config(temp_path("size_1.h5"));
    one.epochs = 1;
    distill::RunConfig eight = small_run_config(temp_path("size_8.h5"));
    eight.epochs = 8;
    distill::train(one, small_dataset(), quiet());
    distill::train(eight, small_dataset(), quiet());
    const auto size_1 = fs::file_size(one.output), size_8 = fs::file_size(eight.output);
    INFO("1 epoch: " << size_1 << " bytes, 8 epochs: " << size_8 << " bytes");
    // Both keep the records of their last epoch only; 8 epochs add 7 values to each metric. A copied and
    // patched file grew by the parameters and momenta (~200 kB here) every epoch.
    CHECK(size_8 < size_1 + 16 * 1024);
}

TEST_CASE("records of earlier epochs are carried over unchanged, across an interruption", "[distill][output]") {
    distill::RunConfig config = small_run_config(temp_path("carried.h5"));
    config.epochs = 4;
    config.record_every = 1;
    distill::TrainHooks crash;
    crash.epoch_metrics["crash"] = [](models::Classifier&, const data::Dataset&,
                                      std::int64_t e) -> std::optional<double> {
        if (e == 3) throw std::runtime_error("killed");
        return 0.0;
    };
    CHECK_THROWS(distill::train(config, small_dataset(), quiet(), crash));
    const Tensor epoch_1 = io::H5File::open_read(config.output).read_tensor("/records/test/epoch_1/penultimate");
    distill::TrainOptions resume = quiet();
    resume.resume = true;
    distill::TrainHooks same;
    same.epoch_metrics["crash"] = [](models::Classifier&, const data::Dataset&, std::int64_t) {
        return std::optional<double>(0.0);
    };
    distill::train(config, small_dataset(), resume, same);
    const io::H5File f = io::H5File::open_read(config.output);
    CHECK(f.children("/records/test") == std::vector<std::string>{"epoch_1", "epoch_2", "epoch_3", "epoch_4"});
    const Tensor kept = f.read_tensor("/records/test/epoch_1/penultimate");
    CHECK(std::equal(kept.values().begin(), kept.values().end(), epoch_1.values().begin(), epoch_1.values().end()));
}

TEST_CASE("the last epoch's test-set outputs are the ones its metrics score", "[distill][output]") {
    distill::RunConfig c = small_run_config(temp_path("final_test.h5"));
    c.epochs = 2;
    const auto r = distill::train(c, small_dataset(), quiet());
    const io::H5File f = io::H5File::open_read(c.output);
    distill::SplitOutputs stored;
    stored.logits = f.read_tensor("/outputs/test/logits", 2);
    stored.labels = f.read<std::int32_t>("/outputs/test/labels", 1).values;
    const distill::SplitMetrics m = distill::score(stored);
    CHECK(m.accuracy == r.last.at("test_acc"));
    CHECK(m.nll == r.last.at("test_nll"));
    CHECK(m.ece == r.last.at("test_ece"));
}
