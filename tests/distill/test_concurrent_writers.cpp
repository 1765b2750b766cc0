// The adversarial user's reproductions, with the lskd binary: two commands writing one output at once.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "framework/io/file_lock.hpp"
#include "framework/io/h5_file.hpp"
#include "tests/distill/run_fixture.hpp"
#include "tests/io/io_test_support.hpp"

using namespace lskd;
using namespace lskd::testing;
namespace fs = std::filesystem;

namespace {

const std::string kLskd = LSKD_BINARY_DIR "/tools/lskd";

// Starts lskd with `args`, its stdout and stderr in `log`.
pid_t start_lskd(const std::vector<std::string>& args, const std::string& log) {
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        std::vector<char*> argv{const_cast<char*>(kLskd.c_str())};
        for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(kLskd.c_str(), argv.data());
        ::_exit(127);
    }
    return pid;
}

int wait_exit(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int run_lskd(const std::vector<std::string>& args, const std::string& log) { return wait_exit(start_lskd(args, log)); }

// The small run of the distill fixture as lskd flags.
std::vector<std::string> small_train(const std::string& output, const std::string& epochs) {
    return {"train", "--model",    "mlp",  "--hidden",   "32",   "--max-train",
            "600",   "--max-test", "300",  "--val-size", "200",  "--batch",
            "64",    "--lr",       "0.05", "--threads",  "1",    "--record-per-class",
            "5",     "--epochs",   epochs, "--output",   output, "--quiet"};
}

bool wait_for(const std::string& path) {
    for (int i = 0; i < 600 && !fs::exists(path); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return fs::exists(path);
}

}  // namespace

TEST_CASE("lskd train: a second run on the same output exits 1 at once and the first run is whole",
          "[distill][output][cli]") {
    if (!fs::exists(kLskd)) {
        WARN("not built: " << kLskd);
        return;
    }
    const std::string path = temp_path("same");
    // Long enough (seconds) that the second run starts while the first one still holds its output.
    std::vector<std::string> first_args = small_train(path, "40");
    first_args.insert(first_args.end(), {"--record-every", "0"});
    const pid_t first = start_lskd(first_args, path + ".first.log");
    REQUIRE(wait_for(path + ".lock"));

    std::vector<std::string> second_args = small_train(path, "2");
    second_args.insert(second_args.end(), {"--smoothing", "0.3", "--record-every", "1", "--force"});
    const auto started = std::chrono::steady_clock::now();
    CHECK(run_lskd(second_args, path + ".second.log") == 1);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));  // before loading any data
    CHECK_THAT(io::testing::read_bytes(path + ".second.log"),
               Catch::Contains(path + " is being written by process " + std::to_string(first)));

    CHECK(wait_exit(first) == 0);
    const distill::RunContents run = distill::load_run(path);
    CHECK(run.complete);
    CHECK(run.epochs_done == 40);
    CHECK(run.config.smoothing == 0.0);
    CHECK(distill::RunDirectory(path).recorded_epochs("train") == std::vector<std::int64_t>{40});
}

TEST_CASE("lskd analyze: analyses started together on one run all keep their results", "[distill][output][cli]") {
    if (!fs::exists(kLskd)) {
        WARN("not built: " << kLskd);
        return;
    }
    const std::string path = temp_path("analysed");
    distill::RunConfig c = small_run_config(path);
    c.epochs = 1;
    distill::train(c, small_dataset(), quiet());
    std::vector<pid_t> pids;
    for (const char* analysis : {"calibration", "erasure", "projection"})
        pids.push_back(start_lskd({"analyze", analysis, path, "--threads", "1"}, path + "." + analysis + ".log"));
    for (const pid_t pid : pids) CHECK(wait_exit(pid) == 0);
    std::vector<std::string> analyses;
    for (const auto& e : fs::directory_iterator(distill::RunDirectory(path).analyses_dir()))
        analyses.push_back(e.path().filename().string());
    std::sort(analyses.begin(), analyses.end());
    CHECK(analyses == std::vector<std::string>{"calibration.h5", "erasure.h5", "projection.h5"});
}

TEST_CASE("lskd analyze: a run being trained is not analysed", "[distill][output][cli]") {
    if (!fs::exists(kLskd)) {
        WARN("not built: " << kLskd);
        return;
    }
    const std::string path = temp_path("training_now");
    distill::RunConfig c = small_run_config(path);
    c.epochs = 1;
    distill::train(c, small_dataset(), quiet());
    const std::string checkpoint = distill::RunDirectory(path).checkpoint();
    const std::string before = io::testing::read_bytes(checkpoint);
    const io::FileLock training = io::FileLock::try_lock_file(path, "training");
    CHECK(run_lskd({"analyze", "erasure", path}, path + ".log") == 1);
    CHECK_THAT(io::testing::read_bytes(path + ".log"),
               Catch::Contains(path + " is being written by process " + std::to_string(::getpid()) + " (training)"));
    CHECK(io::testing::read_bytes(checkpoint) == before);
    CHECK_FALSE(fs::exists(distill::RunDirectory(path).analyses_dir()));
}

TEST_CASE("lskd sweep: a second sweep of one directory exits 1 before reading or writing anything",
          "[distill][output][cli]") {
    if (!fs::exists(kLskd)) {
        WARN("not built: " << kLskd);
        return;
    }
    const fs::path dir = fs::path(temp_path("sweep_locked"));
    fs::create_directories(dir);
    const std::string config = temp_path("sweep_locked.yaml");
    std::ofstream(config) << "output: " << dir.string() << R"(
seeds: [1]
teacher: {model: mlp, alphas: [0], recipe: {hidden: [32], epochs: 1, max-train: 600, max-test: 300, val-size: 200}}
student: {model: mlp, recipe: {hidden: [16], epochs: 1, max-train: 600, max-test: 300, val-size: 200}}
distill:
  - {teacher-alpha: 0, temperatures: [1]}
baselines: {alphas: [0]}
)";
    const io::FileLock other_sweep = io::FileLock::try_lock_directory(dir.string(), "sweep");
    CHECK(run_lskd({"sweep", config, "--quiet"}, config + ".log") == 1);
    CHECK_THAT(
        io::testing::read_bytes(config + ".log"),
        Catch::Contains(dir.string() + " is being written by process " + std::to_string(::getpid()) + " (sweep)"));
    std::vector<std::string> entries;
    for (const auto& e : fs::directory_iterator(dir)) entries.push_back(e.path().filename().string());
    CHECK(entries == std::vector<std::string>{".lskd.lock"});
}
