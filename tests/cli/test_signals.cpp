// SIGINT and SIGTERM at random moments: sent after seeded random delays over the lifetime of a running `lskd train`,
// `lskd sweep` and a parallel sweep. Each ends with 128 + the signal (or 0 when it finished first), leaves no lock
// and no temporary file anywhere in its output, and what it kept resumes to the metrics of an uninterrupted run.
// SIGKILL, which no handler sees, at random moments and within a write: the run resumes to the uninterrupted run's
// parameters, metrics, records and outputs, bit for bit.
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "distill/split_outputs_file.hpp"
#include "framework/io/file_lock.hpp"
#include "tests/cli/tiny_runs.hpp"

using namespace lskd::testing;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Ended {
    int code = 0;
    std::string err;
};

// Starts lskd with `args`, sends `sig` after `delay` (counted from when `appears` exists, if given) and waits for it
// to end.
Ended interrupted_lskd(std::vector<std::string> args, int sig, std::chrono::microseconds delay, const fs::path& logs,
                       const fs::path& appears = {}) {
    args.insert(args.begin(), kLskd);
    const int pid = lskd::study::spawn_child(args, (logs / "stdout").string(), (logs / "stderr").string());
    const auto give_up = Clock::now() + std::chrono::seconds(60);
    while (!appears.empty() && !fs::exists(appears) && Clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::this_thread::sleep_for(delay);
    ::kill(pid, sig);  // a child that already ended is a zombie until waited for: the signal is lost, harmlessly
    const int code = lskd::study::wait_child(pid);
    return {code, read_text(logs / "stderr")};
}

// Runs lskd to its end; returns its wall time.
std::chrono::microseconds timed_lskd(const std::vector<std::string>& args) {
    const auto start = Clock::now();
    const ProgramOutput r = run_lskd(args);
    INFO(r.err);
    REQUIRE(r.code == 0);
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
}

// Lock files and temporary files left under `dir`.
std::vector<std::string> leftovers(const fs::path& dir) {
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (name.ends_with(".lock") || name.find(".tmp.") != std::string::npos) found.push_back(entry.path().string());
    }
    return found;
}

// Seeded delays over a run of `lifetime`: one early (the first epoch), one at the very end (the last write), the
// others uniform over the whole run and a little past it.
std::vector<std::chrono::microseconds> delays(std::chrono::microseconds lifetime, int count, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> anywhere(0.0, 1.05);
    std::vector<double> fractions{0.3, 0.97};
    while (static_cast<int>(fractions.size()) < count) fractions.push_back(anywhere(rng));
    std::vector<std::chrono::microseconds> out;
    for (double f : fractions) out.emplace_back(static_cast<std::int64_t>(f * static_cast<double>(lifetime.count())));
    return out;
}

// The learning curves of a run, without its timings.
std::map<std::string, std::vector<double>> curves(const std::string& run) {
    std::map<std::string, std::vector<double>> out;
    for (const auto& [name, values] : lskd::distill::load_run(run).metrics)
        if (!name.ends_with("_seconds")) out[name] = values;
    return out;
}

// Record and output files of a run, by name relative to it.
std::vector<std::string> written_parts(const std::string& run) {
    std::vector<std::string> names;
    for (const std::string sub : {"records", "outputs"})
        if (fs::exists(fs::path(run) / sub))
            for (const auto& e : fs::directory_iterator(fs::path(run) / sub))
                names.push_back(sub + "/" + e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

bool same_bits(const lskd::Tensor& a, const lskd::Tensor& b) {
    return a.defined() == b.defined() &&
           (!a.defined() ||
            (a.shape() == b.shape() && std::equal(a.values().begin(), a.values().end(), b.values().begin())));
}

// The run at `run` equals `reference` bit for bit: parameters, optimizer state, counters, metrics and early metrics
// (timings aside), and every record and output file's contents.
void check_same_run(const std::string& run, const std::string& reference) {
    const lskd::distill::RunContents a = lskd::distill::load_run(run), b = lskd::distill::load_run(reference);
    CHECK(a.complete);
    CHECK(a.epochs_done == b.epochs_done);
    CHECK(curves(run) == curves(reference));
    CHECK(a.early_metrics == b.early_metrics);
    CHECK(a.counters == b.counters);
    // metrics.csv: a header and one line per epoch, never behind the checkpoint; no spare beside a complete run.
    const std::string csv = read_text(fs::path(run) / "metrics.csv");
    CHECK(std::count(csv.begin(), csv.end(), '\n') == a.epochs_done + 1);
    CHECK_FALSE(fs::exists(lskd::distill::RunDirectory(run).checkpoint_spare()));
    for (const auto& [x, y] : {std::pair{&a.params, &b.params}, std::pair{&a.optimizer, &b.optimizer}}) {
        REQUIRE(x->size() == y->size());
        for (const auto& [name, t] : *y) CHECK(same_bits(x->at(name), t));
    }
    REQUIRE(written_parts(run) == written_parts(reference));
    for (const std::string& part : written_parts(reference)) {
        INFO(part);
        const auto x = lskd::distill::read_split_outputs((fs::path(run) / part).string(), b.num_classes, false);
        const auto y = lskd::distill::read_split_outputs((fs::path(reference) / part).string(), b.num_classes, false);
        CHECK(x.split == y.split);
        CHECK(x.epoch == y.epoch);
        CHECK(same_bits(x.outputs.logits, y.outputs.logits));
        CHECK(same_bits(x.outputs.penultimate, y.outputs.penultimate));
        CHECK(x.outputs.labels == y.outputs.labels);
        CHECK(x.outputs.indices == y.outputs.indices);
    }
}

// Starts `lskd train`, waits for its second checkpoint (from then on the spare is the checkpoint before), then for a
// later epoch's rewrite of the spare in place to begin (its modification time moves; polling without pause, a write
// lasts a few milliseconds) and kills it at once with SIGKILL. Whether it was caught before that epoch's checkpoint
// took its place. Waiting for the checkpoints makes every catch resumable and a rewrite in place, not a new file.
bool killed_within_write(const std::vector<std::string>& args, const std::string& run, const fs::path& logs) {
    std::vector<std::string> argv = args;
    argv.insert(argv.begin(), kLskd);
    const int pid = lskd::study::spawn_child(argv, (logs / "stdout").string(), (logs / "stderr").string());
    const lskd::distill::RunDirectory dir(run);
    const auto epochs_done = [&] {
        try {
            return lskd::distill::read_run_header(run).epochs_done;
        } catch (const lskd::Error&) {
            return std::int64_t{0};
        }
    };
    const auto give_up = Clock::now() + std::chrono::seconds(60);
    while (epochs_done() < 2 && Clock::now() < give_up) {
    }
    // The spare's file and its modification time; an exchange of names gives the spare another file, whose own
    // time is then watched.
    const auto spare_state = [&] {
        struct stat st {};
        ::stat(dir.checkpoint_spare().c_str(), &st);
        return std::pair(st.st_ino, st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec);
    };
    auto before = spare_state();
    for (auto now = before; Clock::now() < give_up; now = spare_state()) {
        if (now.first != before.first)
            before = now;
        else if (now.second != before.second)
            break;
    }
    const std::int64_t caught_at = epochs_done();
    ::kill(pid, SIGKILL);
    lskd::study::wait_child(pid);
    return epochs_done() == caught_at && fs::exists(dir.checkpoint_spare());
}

void check_ending(const Ended& e, int sig, const fs::path& dir) {
    INFO(e.err);
    CHECK((e.code == 0 || e.code == 128 + sig));
    // Before main() installs its handlers a signal kills at once, silently (nothing has been created yet).
    if (e.code == 128 + sig && !e.err.empty())
        CHECK_THAT(e.err,
                   Catch::Contains(fmt::format("lskd: interrupted by {}", sig == SIGINT ? "SIGINT" : "SIGTERM")));
    if (fs::exists(dir)) CHECK(leftovers(dir) == std::vector<std::string>{});
}

std::vector<std::string> train_args(const std::string& output) {
    std::vector<std::string> args =
        words_of("train --dataset fashion-mnist --val-size 100 --model mlp --hidden 16 --epochs 6 --batch 50 "
                 "--record-per-class 4 --threads 1 --quiet");
    args.insert(args.end(), {"--data-dir", tiny_data_dir(), "--output", output});
    return args;
}

// Two teachers, a student of the first and a baseline, a few epochs each.
std::string tiny_sweep(const fs::path& dir) {
    const fs::path file = dir / "sweep.yaml";
    std::ofstream(file) << R"(
dataset: fashion-mnist
seeds: [1]
teacher: {model: mlp, alphas: [0, 0.1], recipe: {hidden: [16], epochs: 3, batch: 50, val-size: 100, threads: 1,
                                                 record-per-class: 4}}
student: {model: mlp, recipe: {hidden: [16], epochs: 3, batch: 50, val-size: 100, threads: 1, record-per-class: 4}}
distill: [{teacher-alpha: 0, temperatures: [2]}]
baselines: {alphas: [0]}
)";
    return file.string();
}

std::vector<std::string> sweep_args(const std::string& file, const fs::path& out, int jobs) {
    return {"sweep",      file,     "--data-dir",         tiny_data_dir(), "--out",
            out.string(), "--jobs", std::to_string(jobs), "--quiet"};
}

// Interrupts the sweep at seeded moments, then runs it again to its end: the summary is the uninterrupted one's.
void interrupt_sweeps(const std::string& name, int jobs, std::uint32_t seed) {
    const fs::path dir = cli_temp_dir(name);
    const std::string file = tiny_sweep(dir);
    const auto lifetime = timed_lskd(sweep_args(file, dir / "reference", jobs));
    const std::string expected = read_text(dir / "reference" / "summary.csv");
    REQUIRE(!expected.empty());
    for (const int sig : {SIGINT, SIGTERM}) {
        int attempt = 0, interrupted = 0;
        // The random moments, then one just after the first teacher's first epoch.
        auto moments = delays(lifetime, 3, seed + static_cast<std::uint32_t>(sig));
        moments.push_back(std::chrono::microseconds(0));
        for (const auto delay : moments) {
            const bool after_first_write = attempt == static_cast<int>(moments.size()) - 1;
            const fs::path out = dir / fmt::format("sig{}_{}", sig, attempt++);
            CAPTURE(sig, delay.count(), out.string(), after_first_write);
            const Ended e =
                interrupted_lskd(sweep_args(file, out, jobs), sig, delay, dir,
                                 after_first_write ? out / "runs" / "teacher_mlp_a0_s1" / "checkpoint.h5" : fs::path());
            check_ending(e, sig, out);
            interrupted += e.code == 128 + sig ? 1 : 0;
            const ProgramOutput again = run_lskd(sweep_args(file, out, jobs));
            INFO(again.err);
            REQUIRE(again.code == 0);
            CHECK(read_text(out / "summary.csv") == expected);
        }
        CHECK(interrupted > 0);
    }
}

}  // namespace

TEST_CASE("lskd train stopped by a signal at any moment exits 128 + signal, leaves no lock or temporary file and "
          "resumes to the uninterrupted run's curves",
          "[cli][signals][slow][serial]") {
    const fs::path dir = cli_temp_dir("signals_train");
    const std::string reference = (dir / "reference").string();
    const auto lifetime = timed_lskd(train_args(reference));
    const auto expected = curves(reference);
    for (const int sig : {SIGINT, SIGTERM}) {
        int attempt = 0, resumed = 0;
        // The random moments, then one just after the first epoch's write, so that a resume is always tested.
        auto moments = delays(lifetime, 6, 21u + static_cast<std::uint32_t>(sig));
        moments.push_back(std::chrono::microseconds(0));
        for (const auto delay : moments) {
            const bool after_first_write = attempt == static_cast<int>(moments.size()) - 1;
            const fs::path out_dir = dir / fmt::format("sig{}_{}", sig, attempt++);
            fs::create_directories(out_dir);
            const std::string run = (out_dir / "run").string();
            const std::string checkpoint = lskd::distill::RunDirectory(run).checkpoint();
            CAPTURE(sig, delay.count(), after_first_write);
            const Ended e = interrupted_lskd(train_args(run), sig, delay, out_dir,
                                             after_first_write ? fs::path(checkpoint) : fs::path());
            check_ending(e, sig, out_dir);
            if (e.code == 0) {
                CHECK(curves(run) == expected);
            } else if (fs::exists(checkpoint)) {
                CHECK_THAT(e.err, Catch::Contains(run + " holds epoch") && Catch::Contains("--resume " + run));
                const ProgramOutput r = run_lskd({"train", "--resume", run, "--quiet"});
                INFO(r.err);
                REQUIRE(r.code == 0);
                CHECK(curves(run) == expected);
                ++resumed;
            }
        }
        CHECK(resumed > 0);
    }
}

// Bit for bit: parameters, optimizer state, metrics but timings, records and outputs (check_same_run).
TEST_CASE("lskd train killed with SIGKILL at any moment, a write included, resumes to the uninterrupted run",
          "[cli][signals][slow][serial]") {
    const fs::path dir = cli_temp_dir("sigkill_train");
    std::vector<std::string> extra{"--record-every", "1"};  // a write of records after every epoch too
    const auto args = [&](const std::string& output) {
        std::vector<std::string> a = train_args(output);
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    const std::string reference = (dir / "reference").string();
    const auto lifetime = timed_lskd(args(reference));
    int attempt = 0, resumed = 0, within_write = 0;
    const auto resume_and_compare = [&](const std::string& run) {
        if (!fs::exists(lskd::distill::RunDirectory(run).checkpoint())) return;  // killed before its first epoch
        // Killed after its last checkpoint (while exiting): complete as it is, with nothing left to resume. Its lock
        // file may be left (SIGKILL lets nothing delete it), but the kernel lock died with the process: the next
        // writer takes it at once, and deletes the file when done.
        if (!lskd::distill::read_run_header(run).complete) {
            const ProgramOutput r = run_lskd({"train", "--resume", run, "--quiet"});
            INFO(r.err);
            REQUIRE(r.code == 0);
        } else {
            CHECK_NOTHROW(lskd::io::FileLock::try_lock_file(run, "the next writer"));
        }
        check_same_run(run, reference);
        CHECK(leftovers(fs::path(run).parent_path()) == std::vector<std::string>{});
        ++resumed;
    };
    // The random moments, then one just after the first checkpoint: on a fast machine the random ones may all fall
    // before it or after the end, and this one is resumed whatever the speed.
    auto moments = delays(lifetime, 6, 97u);
    moments.push_back(std::chrono::microseconds(0));
    for (const auto delay : moments) {
        const bool after_first_write = attempt == static_cast<int>(moments.size()) - 1;
        const fs::path out_dir = dir / fmt::format("moment_{}", attempt++);
        fs::create_directories(out_dir);
        const std::string run = (out_dir / "run").string();
        CAPTURE(delay.count(), after_first_write);
        const Ended e =
            interrupted_lskd(args(run), SIGKILL, delay, out_dir,
                             after_first_write ? fs::path(lskd::distill::RunDirectory(run).checkpoint()) : fs::path());
        if (e.code == 0)
            check_same_run(run, reference);
        else
            resume_and_compare(run);
    }
    // Then within the rewrite of a checkpoint in its spare, the epoch's records already written: at most 5 tries.
    for (int tries = 0; tries < 5 && within_write == 0; ++tries) {
        const fs::path out_dir = dir / fmt::format("within_write_{}", tries);
        fs::create_directories(out_dir);
        const std::string run = (out_dir / "run").string();
        within_write += killed_within_write(args(run), run, out_dir) ? 1 : 0;
        resume_and_compare(run);
    }
    CHECK(within_write > 0);
    CHECK(resumed > 0);
}

TEST_CASE("lskd sweep stopped by a signal at any moment leaves no lock or temporary file and resumes to the "
          "uninterrupted summary",
          "[cli][signals][slow][serial]") {
    interrupt_sweeps("signals_sweep", 1, 7);
}

TEST_CASE("a parallel sweep stopped by a signal stops its jobs, waits for them and resumes to the uninterrupted "
          "summary",
          "[cli][signals][slow][serial]") {
    interrupt_sweeps("signals_parallel_sweep", 2, 11);
}
