#include "study/sweep_calibration.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <numeric>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "distill/checkpoint.hpp"
#include "framework/core/error.hpp"
#include "framework/runtime/threads.hpp"

namespace lskd::study {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Enough steps that the first (creating oneDNN's primitives) does not dominate; few enough for seconds in all.
constexpr std::size_t kSteps = 8;
constexpr std::size_t kEvalExamples = 512;  // per split

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Keeps up to n examples of a split of `d`, taking the classes in turn, so that every class the split has is in the
// slice (in memory or a streamed folder's listing).
void balanced_slice(data::Dataset& d, data::SplitName which, std::size_t n) {
    const data::ImageSplit split = data::image_split(d, which);
    const std::span<const std::int32_t> labels = split.labels();
    std::vector<std::vector<std::size_t>> by_class(static_cast<std::size_t>(d.num_classes));
    for (std::size_t i = 0; i < labels.size(); ++i) by_class[static_cast<std::size_t>(labels[i])].push_back(i);
    std::vector<std::size_t> positions;
    for (std::size_t round = 0; positions.size() < std::min(n, labels.size()); ++round)
        for (const auto& members : by_class)
            if (round < members.size() && positions.size() < n) positions.push_back(members[round]);
    std::sort(positions.begin(), positions.end());
    data::keep_examples(d, which, positions);
}

// The temporary directory of one calibration, removed however it ends.
struct ScratchDir {
    fs::path path = fs::temp_directory_path() / fmt::format("lskd-estimate-{}", ::getpid());
    ScratchDir() {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// The thread budget of this process, given back after the calibration changed it.
struct ThreadsKept {
    int threads = runtime::thread_info().threads;
    ~ThreadsKept() { runtime::init_threads(threads); }
};

// What sets a run's costs apart: its recipe without seed, smoothing, teacher, temperature, loss form and files,
// which cost alike (a student looks its teacher's logits up from a table: a baseline's step with a lookup).
distill::RunConfig cost_kind(distill::RunConfig c, int threads) {
    const distill::RunConfig defaults;
    c.threads = threads;
    c.seed = 1;
    c.smoothing = 0;
    c.teacher.clear();
    c.temperature = defaults.temperature;
    c.beta = defaults.beta;
    c.loss = defaults.loss;
    c.output.clear();
    c.epochs = 1;
    c.schedule = "constant";
    c.milestones.clear();
    c.mi_every = 0;
    c.mi_early = 0;
    c.record_every = 0;
    c.record_per_class = 1;  // so that the write timed is an epoch's, not the last epoch's with its records
    c.eval_every = 1;
    // Settings the changes above left without effect (mi-examples once mi-every is 0, lr-gamma without its
    // schedule) go back to their defaults, or the calibration run would be refused as recording them.
    for (const distill::ConfigField& f : distill::config_fields())
        if (f.print(c) != f.print(defaults) && f.inert(c, false)) f.parse(c, f.print(defaults));
    return c;
}

double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

}  // namespace

int threads_per_job(int configured, int jobs) {
    if (configured != 0) return configured;
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / jobs);
}

RunCost calibrate_run(const distill::RunConfig& config, const data::Dataset& dataset,
                      const EpochMetricsFactory& metrics, bool time_loading) {
    const ThreadsKept kept;
    const ScratchDir scratch;
    distill::RunConfig c = cost_kind(config, config.threads);
    c.output = (scratch.path / "calibration").string();
    data::Dataset slice = dataset;
    balanced_slice(slice, data::SplitName::train, kSteps * static_cast<std::size_t>(c.batch));
    balanced_slice(slice, data::SplitName::val, kEvalExamples);
    balanced_slice(slice, data::SplitName::test, kEvalExamples);
    distill::TrainOptions quiet;
    quiet.quiet = true;
    distill::train(c, slice, quiet);

    const distill::RunHeader run = distill::read_run_header(c.output);
    RunCost cost;
    const auto size = [&slice](data::SplitName s) { return data::image_split(slice, s).size(); };
    const auto steps = (static_cast<std::int64_t>(size(data::SplitName::train)) + c.batch - 1) / c.batch;
    cost.step_seconds = sum(run.metrics.at("train_seconds")) / static_cast<double>(steps);
    cost.eval_example_seconds = sum(run.metrics.at("eval_seconds")) /
                                static_cast<double>(size(data::SplitName::val) + size(data::SplitName::test));
    cost.setup_seconds = run.setup_seconds;
    cost.write_seconds = run.write_seconds;
    if (time_loading) {
        const auto loading = Clock::now();
        distill::load_run_dataset(config);
        cost.load_seconds = seconds_since(loading);
    }
    if (metrics) {
        // The probes index the whole data set, so they are timed on it, with the calibrated model (the only reason
        // to read the run's state).
        auto model = distill::load_model(distill::load_run(c.output));
        model->eval();
        for (const auto& [name, metric] : metrics(config, dataset)) {
            const auto start = Clock::now();
            metric(*model, dataset, config.epochs);  // the last epoch always measures
            cost.metric_call_seconds += seconds_since(start);
        }
    }
    return cost;
}

SweepEstimate estimate_sweep(const EstimateInputs& in) {
    const auto start = Clock::now();
    SweepEstimate e;
    e.parallel = in.parallel;
    std::map<std::string, RunCost> costs;  // by the recipe of cost_kind
    const std::vector<PlannedRun>& plan = *in.plan;
    const bool any_left = std::find(in.complete.begin(), in.complete.end(), false) != in.complete.end();
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const bool analysed = in.teacher_analyses && any_left && plan[i].role == RunRole::teacher;
        if (in.complete[i] && !analysed) continue;
        distill::RunConfig c = plan[i].config;
        if (in.child_jobs) c.threads = threads_per_job(c.threads, in.parallel);
        const std::string kind = distill::to_yaml(cost_kind(c, c.threads));
        if (!costs.contains(kind)) {
            // A complete teacher's data are not loaded by the sweep; its analyses read them all the same.
            std::optional<data::Dataset> loaded;
            const data::Dataset* d = in.dataset(c);
            if (d == nullptr) d = &loaded.emplace(distill::load_run_dataset(c));
            costs[kind] = calibrate_run(c, *d, in.metrics, in.teacher_analyses && plan[i].role == RunRole::teacher);
        }
        const RunCost& cost = costs.at(kind);
        if (analysed) add_teacher_analyses(e, cost);
        if (in.complete[i]) continue;
        const data::Dataset& d = *in.dataset(c);
        const bool metrics = in.metrics && c.mi_every > 0;
        const auto size = [&d](data::SplitName s) { return data::image_split(d, s).size(); };
        add_run(e,
                run_work(c,
                         {size(data::SplitName::train), size(data::SplitName::val), size(data::SplitName::test),
                          d.num_classes},
                         metrics),
                cost);
    }
    e.basis = fmt::format(
        "measured just now in {:.1f} s: {} training steps and {} evaluated examples of each of the {} kinds of run "
        "with their own batch size and threads, on their data; plots not included",
        seconds_since(start), kSteps, 2 * kEvalExamples, costs.size());
    return e;
}

}  // namespace lskd::study
