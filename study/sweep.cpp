#include "study/sweep.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "distill/checkpoint.hpp"
#include "distill/loss_forms.hpp"
#include "distill/sequence_run.hpp"
#include "distill/teacher.hpp"
#include "distill/teacher_cache.hpp"
#include "distill/teacher_logits.hpp"
#include "distill/trainer.hpp"
#include "framework/core/error.hpp"
#include "framework/core/interrupt.hpp"
#include "framework/distributed/rank_sums.hpp"
#include "framework/distributed/work_queue.hpp"
#include "framework/io/created_directory.hpp"
#include "framework/io/output_policy.hpp"
#include "study/child_process.hpp"
#include "study/result_layout.hpp"
#include "study/sweep_calibration.hpp"
#include "study/sweep_estimate.hpp"
#include "study/sweep_notices.hpp"

namespace lskd::study {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

enum class FileState { missing, complete, incomplete, damaged };

struct RunState {
    FileState state = FileState::missing;
    std::optional<SummaryRow> row;  // complete runs
};

// The config keys whose values differ, leaving out where the files are and how many threads trained them.
std::vector<std::string> differing_keys(distill::RunConfig planned, distill::RunConfig stored, bool student) {
    // The trainer stores a student's β resolved from the loss form's default.
    if (student && planned.beta < 0) planned.beta = distill::default_beta(distill::parse_loss_form(planned.loss));
    for (distill::RunConfig* c : {&planned, &stored}) {
        c->output.clear();
        c->teacher.clear();
        c->threads = 0;
    }
    std::vector<std::string> keys;
    for (const distill::ConfigField& f : distill::config_fields())
        if (f.print(planned) != f.print(stored))
            keys.push_back(fmt::format("{} {} here, {} in the file", f.key, f.print(planned), f.print(stored)));
    return keys;
}

RunState inspect(const PlannedRun& run) {
    const std::string& path = run.config.output;
    if (!fs::exists(fs::symlink_status(path))) return {};
    distill::RunHeader c;
    try {
        c = distill::read_run_header(path);
    } catch (const Error&) {
        // Killed before its first checkpoint, or not a run: a checkpoint is only ever replaced whole.
        return {FileState::damaged, std::nullopt};
    }
    const auto diff = differing_keys(run.config, c.config, run.role == RunRole::student);
    if (!diff.empty())
        fail("{}: trained with other settings than the sweep asks for ({}); move it away or use another output "
             "directory",
             path, fmt::join(diff, "; "));
    // An lskd teacher is named by its α in the file name; an external one only by its file.
    if (!run.teacher_logits.empty() && c.teacher && c.teacher->file != run.teacher_logits)
        fail("{}: distilled from the teacher logits {}, but the sweep names {}; move it away or use another output "
             "directory",
             path, c.teacher->file, run.teacher_logits);
    if (!c.complete) return {FileState::incomplete, std::nullopt};
    return {FileState::complete, summary_row(run, c)};
}

// Runs with the same key share one loaded data set: its split and subsets follow the data seed; a sequence
// corpus's split and vocabularies also follow its test size and vocabulary fields.
std::string data_key(const distill::RunConfig& c) {
    if (data::is_sequence_dataset(c.dataset))
        return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}", c.dataset, c.data_dir, c.val_size, c.max_train, c.test_size,
                           c.source_vocab, c.target_vocab, c.subwords, c.data_seed);
    const std::string key =
        fmt::format("{}|{}|{}|{}|{}|{}", c.dataset, c.data_dir, c.val_size, c.max_train, c.max_test, c.data_seed);
    if (c.dataset != "folder") return key;
    // A folder's images depend on these too, and a streamed one is a listing, not decoded images.
    return fmt::format("{}|{}|{}|{}|{}|{}", key, c.image_size, c.image_resize, c.skip_bad_images, c.test_size,
                       c.image_stream);
}

// Overall progress: runs done of the total, elapsed time, and an ETA from the mean duration of the runs of
// each role trained so far (teachers are usually bigger than students).
class SweepProgress {
public:
    // own_runs_only: rank 0 of an MPI job, which sees the runs it trains itself, not the other ranks' ones.
    SweepProgress(const std::vector<PlannedRun>& plan, const std::vector<RunState>& states, int jobs, bool quiet,
                  bool own_runs_only = false)
        : total_(plan.size()), jobs_(jobs), quiet_(quiet), own_runs_only_(own_runs_only), start_(Clock::now()) {
        for (std::size_t i = 0; i < plan.size(); ++i) {
            if (states[i].state == FileState::complete)
                ++done_;
            else
                ++remaining_[plan[i].role];
        }
    }

    void started(const PlannedRun& run, FileState state) {
        if (quiet_) return;
        const char* how = state == FileState::incomplete ? "resuming"
                          : state == FileState::damaged  ? "retraining (damaged file)"
                                                         : "training";
        if (own_runs_only_)
            fmt::print(stderr, "rank 0: {} {}\n", how, run.name);
        else
            fmt::print(stderr, "{} {} ({}/{} done)\n", how, run.name, done_, total_);
    }

    void finished(const PlannedRun& run, double seconds, const SummaryRow& row, const std::string& note) {
        ++done_;
        --remaining_[run.role];
        auto& [sum, count] = durations_[run.role];
        sum += seconds;
        ++count;
        all_seconds_ += seconds;
        ++all_count_;
        if (quiet_) return;
        if (own_runs_only_) {
            fmt::print(stderr, "rank 0: {}: test acc {:.4f}, γ {:.3f} ({:.1f}s{}) | elapsed {}\n", run.name,
                       row.test_acc, row.gamma, seconds, note, duration_text(seconds_since(start_)));
            return;
        }
        fmt::print(stderr, "[{}/{}] {}: test acc {:.4f}, γ {:.3f} ({:.1f}s{}) | elapsed {}, ETA {}\n", done_, total_,
                   run.name, row.test_acc, row.gamma, seconds, note, duration_text(seconds_since(start_)),
                   duration_text(eta()));
    }

private:
    double eta() const {
        double s = 0;
        for (const auto& [role, n] : remaining_) {
            const auto it = durations_.find(role);
            const double mean = it != durations_.end() ? it->second.first / it->second.second
                                                       : all_seconds_ / std::max(1, all_count_);
            s += mean * static_cast<double>(n);
        }
        return s / jobs_;
    }

    std::size_t total_, done_ = 0;
    int jobs_;
    bool quiet_, own_runs_only_;
    Clock::time_point start_;
    std::map<RunRole, std::size_t> remaining_;
    std::map<RunRole, std::pair<double, int>> durations_;
    double all_seconds_ = 0;
    int all_count_ = 0;
};

struct Sweep {
    const SweepOptions& options;
    std::string dir, cache_dir;
    std::vector<PlannedRun> plan;
    std::vector<RunState> states;
    std::map<std::string, data::Dataset> datasets;                   // by data_key
    std::map<std::string, data::SequenceDataset> sequence_datasets;  // by data_key

    // The rows of the complete runs, a teacher that doubles as a baseline listed again in that role.
    std::vector<SummaryRow> rows() const {
        std::vector<SummaryRow> out;
        for (std::size_t i = 0; i < plan.size(); ++i) {
            if (!states[i].row) continue;
            out.push_back(*states[i].row);
            if (!plan[i].doubles_as_baseline) continue;
            out.push_back(*states[i].row);
            out.back().role = role_name(RunRole::baseline);
        }
        return out;
    }

    // A summary without a row would only say that nothing ran: none is written.
    void write_rows() const {
        const std::vector<SummaryRow> r = rows();
        if (!r.empty()) write_summary(dir, r);
    }

    // What an interrupted sweep leaves for the next call.
    std::string kept_after_interrupt() const {
        return fmt::format("{} keeps {} of {} runs complete; the same command resumes the sweep", dir, complete_count(),
                           plan.size());
    }

    void record_complete(std::size_t i) {
        states[i] = {FileState::complete, summary_row(plan[i], distill::read_run_header(plan[i].config.output))};
    }

    void mark_complete(std::size_t i) {
        record_complete(i);
        write_rows();
    }

    // A damaged run of the sweep's own plan, in its locked directory, is the sweep's to replace; --force
    // would refuse it, having no readable checkpoint.
    void remove_if_damaged(std::size_t i) const {
        if (states[i].state != FileState::damaged) return;
        std::error_code ec;
        fs::remove_all(plan[i].config.output, ec);
        if (ec) fail("{}: cannot remove the damaged run: {}", plan[i].config.output, ec.message());
    }

    // Trains run i here; returns a note on the teacher's logits for students.
    std::string train_here(std::size_t i) {
        const PlannedRun& run = plan[i];
        distill::TrainOptions o;
        o.quiet = options.quiet || !options.verbose;
        o.label = run.name;
        o.resume = states[i].state == FileState::incomplete;
        remove_if_damaged(i);
        // A sequence student's config names its teacher's run, which train_sequences loads itself.
        if (data::is_sequence_dataset(run.config.dataset)) {
            distill::train_sequences(run.config, sequence_datasets.at(data_key(run.config)), o);
            return {};
        }
        const data::Dataset& dataset = datasets.at(data_key(run.config));
        distill::TrainHooks hooks;
        if (options.epoch_metrics) hooks.epoch_metrics = options.epoch_metrics(run.config, dataset);
        if (run.role != RunRole::student) {
            distill::train(run.config, dataset, o, hooks);
            return {};
        }
        if (!run.teacher_logits.empty()) {
            distill::TeacherLogits teacher(run.teacher_logits, run.config, dataset);
            hooks.teacher = &teacher;
            distill::train(run.config, dataset, o, hooks);
            return {};
        }
        distill::TeacherOptions t;
        t.cache_dir = cache_dir;
        const distill::CacheReport c = distill_student(run.config, dataset, o, t, hooks).cache;
        return "; teacher logits " + distill::cache_report_text(c);
    }

    // Trains run i here and records it complete; `write` rewrites the summary with it.
    void run_one(std::size_t i, SweepProgress& progress, bool write) {
        throw_if_interrupted();
        progress.started(plan[i], states[i].state);
        const auto t0 = Clock::now();
        std::string note;
        try {
            note = train_here(i);
        } catch (const Error& e) {
            fail("sweep run {}: {}", plan[i].name, e.what());
        }
        if (write)
            mark_complete(i);
        else
            record_complete(i);
        progress.finished(plan[i], seconds_since(t0), *states[i].row, note);
        if (options.after_run) options.after_run(plan[i]);
    }

    void run_sequential(SweepProgress& progress) {
        for (std::size_t i = 0; i < plan.size(); ++i)
            if (states[i].state != FileState::complete) run_one(i, progress, true);
    }

    // Over the ranks of an MPI job: rank 0 hands out the runs (a student once its teacher is complete), each rank
    // trains what it is given, and rank 0 writes the summary once every run is done. Other ranks never write it:
    // two writers of one summary would race. Returns the runs this rank trained.
    std::size_t run_on_ranks(SweepProgress& progress) {
        distributed::TaskGraph graph;
        for (std::size_t i = 0; i < plan.size(); ++i) {
            graph.prerequisites.push_back(plan[i].teacher ? std::vector<std::size_t>{*plan[i].teacher}
                                                          : std::vector<std::size_t>{});
            graph.done.push_back(states[i].state == FileState::complete);
        }
        const auto ran =
            distributed::run_work_queue(*options.world, graph, [&](std::size_t i) { run_one(i, progress, false); });
        if (!options.world->root()) return ran.size();
        for (std::size_t i = 0; i < plan.size(); ++i)
            if (!states[i].row) record_complete(i);
        write_rows();
        return ran.size();
    }

    // `lskd train|distill` for run i, its config written beside its log in <dir>/logs/.
    std::vector<std::string> command(std::size_t i, int jobs) const {
        const PlannedRun& run = plan[i];
        std::vector<std::string> args{options.executable, run.role == RunRole::student ? "distill" : "train"};
        if (states[i].state == FileState::incomplete) {
            args.insert(args.end(), {"--resume", run.config.output});
        } else {
            distill::RunConfig c = run.config;
            // Share the cores among the jobs unless the recipe fixed a thread count.
            c.threads = threads_per_job(c.threads, jobs);
            const std::string yaml = layout::job_config(dir, run.name);
            std::ofstream(yaml) << distill::to_yaml(c);
            args.insert(args.end(), {"--config", yaml});
            remove_if_damaged(i);
        }
        if (!run.teacher_logits.empty())
            args.insert(args.end(), {"--teacher-logits", run.teacher_logits});
        else if (run.role == RunRole::student)
            args.insert(args.end(), {"--teacher-cache", cache_dir});
        args.push_back("--quiet");
        return args;
    }

    // The next job to end. On an interrupt the running jobs are asked to stop too, and waited for, so that each
    // removes its own lock and temporary files before this process goes on unwinding.
    static ChildExit wait_for_job(const std::map<int, std::pair<std::size_t, Clock::time_point>>& running) {
        try {
            return wait_any_child();
        } catch (const Interrupted&) {
            std::vector<int> pids;
            for (const auto& job : running) pids.push_back(job.first);
            stop_children(pids);
            throw;
        }
    }

    void run_parallel(SweepProgress& progress, int jobs) {
        io::make_output_directory(layout::logs_dir(dir));
        std::deque<std::size_t> pending;
        for (std::size_t i = 0; i < plan.size(); ++i)
            if (states[i].state != FileState::complete) pending.push_back(i);
        std::map<int, std::pair<std::size_t, Clock::time_point>> running;  // pid → (run, start)
        std::set<std::size_t> failed;
        std::vector<std::string> failures;
        while (!pending.empty() || !running.empty()) {
            for (auto it = pending.begin(); it != pending.end() && static_cast<int>(running.size()) < jobs;) {
                const auto& teacher = plan[*it].teacher;
                if (teacher && failed.contains(*teacher)) {
                    failures.push_back(fmt::format("{} (its teacher failed)", plan[*it].name));
                    failed.insert(*it);
                    it = pending.erase(it);
                } else if (!teacher || states[*teacher].state == FileState::complete) {
                    progress.started(plan[*it], states[*it].state);
                    running[spawn_logged(command(*it, jobs), layout::job_log(dir, plan[*it].name))] = {*it,
                                                                                                       Clock::now()};
                    it = pending.erase(it);
                } else {
                    ++it;
                }
            }
            if (running.empty()) break;
            const ChildExit e = wait_for_job(running);
            const auto job = running.find(e.pid);
            if (job == running.end()) continue;
            const auto [i, start] = job->second;
            running.erase(job);
            if (e.code != 0) {
                failures.push_back(
                    fmt::format("{} (exit {}; see {})", plan[i].name, e.code, layout::job_log(dir, plan[i].name)));
                failed.insert(i);
                continue;
            }
            mark_complete(i);
            progress.finished(plan[i], seconds_since(start), *states[i].row, "");
            if (options.after_run) options.after_run(plan[i]);
        }
        if (!failures.empty()) fail("{} sweep run(s) failed: {}", failures.size(), fmt::join(failures, ", "));
    }

    // The state of every planned run, the data sets of those left to train, and an external teacher's logits
    // against each data set its students use (teacher_logits.hpp).
    void inspect_runs() {
        for (const PlannedRun& run : plan) states.push_back(inspect(run));
        for (std::size_t i = 0; i < plan.size(); ++i) {
            const distill::RunConfig& c = plan[i].config;
            const std::string key = data_key(c);
            if (states[i].state == FileState::complete) continue;
            if (data::is_sequence_dataset(c.dataset)) {
                if (!sequence_datasets.contains(key))
                    sequence_datasets.emplace(key, distill::load_sequence_run_dataset(c));
            } else if (!datasets.contains(key)) {
                datasets.emplace(key, distill::load_run_dataset(c));
            }
        }
        std::set<std::string> checked_logits;
        for (std::size_t i = 0; i < plan.size(); ++i) {
            const PlannedRun& run = plan[i];
            const std::string key = data_key(run.config);
            if (run.teacher_logits.empty() || states[i].state == FileState::complete ||
                !checked_logits.insert(run.teacher_logits + "|" + key).second)
                continue;
            distill::TeacherLogits(run.teacher_logits, run.config, datasets.at(key));
        }
    }

    // Prints the plan (root, unless quiet) and trains what is left; returns the runs this process trained or
    // handed out. The plan's estimate trains a little too: an interrupt there is the sweep's as well.
    std::size_t train_remaining(const SweepConfig& config, int jobs, bool on_ranks, bool root) {
        SweepProgress progress(plan, states, jobs, options.quiet || !root, on_ranks);
        try {
            if (!options.quiet && root) {
                std::vector<bool> complete;
                for (const RunState& r : states) complete.push_back(r.state == FileState::complete);
                const auto loaded = [this](const distill::RunConfig& c) -> const data::Dataset* {
                    const auto it = datasets.find(data_key(c));
                    return it == datasets.end() ? nullptr : &it->second;
                };
                print_plan({&config, &plan, complete, loaded, options, jobs, !on_ranks && jobs > 1});
            }
            if (on_ranks) return run_on_ranks(progress);
            if (jobs == 1)
                run_sequential(progress);
            else
                run_parallel(progress, jobs);
            return 0;
        } catch (const Interrupted& i) {
            throw Interrupted(i.signal(), kept_after_interrupt());
        }
    }

    std::size_t complete_count() const {
        return static_cast<std::size_t>(std::count_if(
            states.begin(), states.end(), [](const RunState& r) { return r.state == FileState::complete; }));
    }
};

}  // namespace

SweepResult run_sweep(const SweepConfig& config, const SweepOptions& options) {
    const auto start = Clock::now();
    Sweep s{options, options.output.empty() ? config.output : options.output, "", {}, {}, {}, {}};
    // Everything that can be checked is checked before the first run trains: the config, every existing
    // run, and the data sets.
    s.plan = plan_sweep(config, s.dir);
    // Declared before the lock, whose file goes first: a sweep failing before its first run leaves no directory.
    const io::CreatedDirectory created(s.dir);
    const bool on_ranks = options.world != nullptr && options.world->size() > 1;
    const bool root = !on_ranks || options.world->root();
    if (on_ranks && options.jobs > 1)
        fail("--jobs {} under an MPI launcher: the {} ranks already train runs side by side; leave --jobs out",
             options.jobs, options.world->size());
    // Before the runs are read: a second sweep of this directory would train the same runs again, or
    // pair its students with the other sweep's teachers. On several ranks rank 0 holds it for the whole job (a
    // directory lock is exclusive, so only one rank can), and each run is still locked by the rank that
    // trains it, as train() does; a teacher's logit cache is built under a waiting lock, once.
    std::optional<io::FileLock> own_lock;
    if (options.directory_lock == nullptr && root) own_lock.emplace(io::FileLock::try_lock_directory(s.dir, "sweep"));
    // A directory of the older flat layout is moved into place under its lock, before its runs are read; the
    // other ranks of an MPI job wait for that.
    if (root) adopt_flat_layout(s.dir, s.plan, options.quiet);
    if (on_ranks) distributed::sum_over_ranks(*options.world, std::int64_t{0});
    s.cache_dir = layout::cache_dir(s.dir);
    const int jobs = on_ranks ? options.world->size() : options.jobs > 0 ? options.jobs : config.parallel;
    if (!on_ranks && jobs > 1 && options.executable.empty())
        fail("a parallel sweep needs the lskd executable to run its jobs");
    s.inspect_runs();
    if (root) s.write_rows();
    SweepResult result;
    result.directory = s.dir;
    result.total = s.plan.size();
    result.skipped = s.complete_count();
    const std::size_t trained_here = s.train_remaining(config, jobs, on_ranks, root);
    result.rows = s.rows();
    result.trained = root ? result.total - result.skipped : trained_here;
    result.seconds = seconds_since(start);
    return result;
}

}  // namespace lskd::study
