#include "distill/trainer.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "distill/checkpoint.hpp"
#include "distill/checkpointing.hpp"
#include "distill/classification_run.hpp"
#include "distill/classification_task.hpp"
#include "distill/early_metrics.hpp"
#include "distill/epoch_evaluation.hpp"
#include "distill/epoch_records.hpp"
#include "distill/progress.hpp"
#include "distill/rank_sharding.hpp"
#include "distill/run_optimizer.hpp"
#include "distill/run_precision.hpp"
#include "distill/run_validation.hpp"
#include "distill/training_loop.hpp"
#include "framework/core/error.hpp"
#include "framework/io/output_policy.hpp"
#include "framework/optim/lr_schedule.hpp"
#include "framework/optim/optimizer.hpp"
#include "framework/runtime/threads.hpp"

namespace lskd::distill {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// What an epoch measured after its training: the task's scores and the epoch metrics.
struct EpochResult {
    EpochScores scores;
    std::map<std::string, double> extra;  // the epoch metrics (rank 0 only)
    double eval_seconds = 0, metric_seconds = 0;
};

// Appends an epoch's row to /metrics.
void append_metrics(std::map<std::string, std::vector<double>>& m, std::int64_t epoch, const EpochTotals& totals,
                    const EpochResult& r, double lr) {
    const double seen = static_cast<double>(totals.seen);
    m["epoch"].push_back(static_cast<double>(epoch + 1));
    m["train_loss"].push_back(totals.loss_sum / seen);
    m["train_acc"].push_back(static_cast<double>(totals.correct) / seen);
    for (const auto& [name, value] : r.scores) m[name].push_back(value);
    m["train_seconds"].push_back(totals.seconds);
    m["eval_seconds"].push_back(r.eval_seconds);
    m["metric_seconds"].push_back(totals.metric_seconds + r.metric_seconds);
    m["lr"].push_back(lr);
    for (const auto& [name, value] : r.extra) m[name].push_back(value);
}

// One run from setup to its last epoch: the constructor sets it up; each epoch trains (training_loop), is scored
// by the task and the epoch metrics, and writes its files (checkpointing).
class Training {
public:
    Training(RunConfig config, RunKind& kind, const TrainOptions& options) : kind_(kind), options_(options) {
        resolve(std::move(config));
        check_inputs();
        build_model();
        build_parts();
    }

    std::int64_t first_epoch() const { return run_.epochs_done; }
    std::int64_t epochs() const { return config_.epochs; }
    // Waits for the files in flight, then says which epoch the run keeps.
    std::string kept_after_interrupt();
    void run_epoch(std::int64_t epoch);
    TrainSummary summary() const;
    void add_setup_seconds(double seconds) { run_.setup_seconds += seconds; }

private:
    void resolve(RunConfig config);
    void check_inputs();
    void build_model();
    void build_parts();
    EarlyMeasurements early(std::int64_t epoch);
    EpochResult evaluate(std::int64_t epoch);
    void record(std::int64_t epoch, const EpochTotals& totals, const EpochResult& result);
    EpochFiles epoch_files(const RunDirectory& run, std::int64_t epoch, bool last);
    bool parallel() const { return options_.world != nullptr && options_.world->size() > 1; }
    bool writes() const { return options_.world == nullptr || options_.world->root(); }

    RunKind& kind_;
    const TrainOptions& options_;
    std::string path_;
    RunConfig config_;
    RunContents run_;
    std::shared_ptr<nn::Module> model_;
    std::unique_ptr<optim::Optimizer> optimizer_;
    std::unique_ptr<Task> task_;
    std::unique_ptr<optim::Schedule> schedule_;
    std::unique_ptr<Progress> progress_;
    std::vector<Variable> params_;
    std::unique_ptr<RankSharding> sharding_;  // data-parallel runs only
    EpochMetrics* metrics_ = nullptr;         // the kind's, or none
    std::unique_ptr<TrainingLoop> loop_;
    io::BackgroundCommits commits_;                 // the epoch's files, moved into place while the next epoch trains
    std::optional<ops::PrecisionGuard> precision_;  // the run's, on this (the main) thread while it trains
};

// The config to train: the stored one when resuming (with a larger epoch count if asked for).
void Training::resolve(RunConfig config) {
    path_ = config.output;
    if (options_.resume) {
        run_ = read_resumable_run(path_, config.epochs);
        config = resumed_config(run_, config, path_);
        if (writes()) remove_stale_parts(RunDirectory(path_), run_.epochs_done);
    }
    config_ = std::move(config);
}

// Every check of the config, alone and against the data set, belongs here: it runs before any model is built.
void Training::check_inputs() {
    validate(config_, kind_.has_teacher());
    precision_.emplace(run_precision(config_, path_));
    kind_.check(config_);
    if (options_.resume) kind_.check_resumed(run_, path_);
}

// The model and its optimizer, fresh or in the state the run resumes from, and the run's header.
void Training::build_model() {
    runtime::init_threads(config_.threads);
    model_ = kind_.make_model(config_);
    optimizer_ = make_run_optimizer(config_, model_->named_parameters());

    const std::int64_t ranks = options_.world != nullptr ? options_.world->size() : 1;
    if (options_.resume && run_.world_size != ranks)
        fail("{}: trained on {} MPI rank(s), resumed on {}; resume it with the same number of ranks", path_,
             run_.world_size, ranks);
    run_.world_size = ranks;
    if (options_.resume) {
        model_->load_state(run_.params);
        model_->load_counters(run_.counters);
        optimizer_->load_state(run_.optimizer);
    } else {
        kind_.describe(run_);
    }
    run_.config = config_;
    if (kind_.has_teacher()) run_.config.beta = distill_settings(config_).beta;
}

// The kind's task, the schedule over its steps, the ranks' share and the loop.
void Training::build_parts() {
    task_ = kind_.make_task(config_, parallel() ? options_.world : nullptr);
    const std::int64_t steps = task_->steps_per_epoch();
    if (steps == 0) fail("{}: the training split is empty", config_.dataset);
    schedule_ = std::make_unique<optim::Schedule>(make_run_schedule(config_, steps));
    progress_ = std::make_unique<Progress>(options_.label.empty() ? config_.model : options_.label,
                                           options_.quiet || !writes(), task_->example_unit());
    params_ = model_->parameters();
    if (parallel()) sharding_ = std::make_unique<RankSharding>(*options_.world, params_);
    metrics_ = kind_.epoch_metrics();
    loop_ = std::make_unique<TrainingLoop>(
        LoopParts{*task_, *model_, *optimizer_, *schedule_, params_, config_.clip_norm, sharding_.get(), *progress_},
        path_);
    model_->train();
}

// A fresh run's measurements before and within its first epoch. They go to the run directory, which rank 0 alone
// writes.
EarlyMeasurements Training::early(std::int64_t epoch) {
    if (epoch != 0 || metrics_ == nullptr || metrics_->empty() || !writes()) return {};
    const std::int64_t steps = task_->steps_per_epoch();
    return {early_steps(steps, config_.mi_early),
            [this, steps](std::int64_t step) { metrics_->measure_early(step, steps, run_.early_metrics); }};
}

void Training::run_epoch(std::int64_t epoch) {
    const EpochTotals totals = loop_->train_epoch(epoch, config_.epochs, early(epoch));
    const EpochResult result = evaluate(epoch);
    record(epoch, totals, result);
}

EpochResult Training::evaluate(std::int64_t epoch) {
    EpochResult r;
    const auto start = std::chrono::steady_clock::now();
    r.scores =
        task_->evaluate(is_scored_epoch(config_.eval_every, epoch + 1, config_.epochs), epoch + 1 == config_.epochs);
    r.eval_seconds = seconds_since(start);
    if (!writes() || metrics_ == nullptr) return r;  // the epoch metrics go to the run directory, which rank 0 writes
    const auto evaluated = std::chrono::steady_clock::now();
    r.extra = metrics_->measure(epoch + 1);
    r.metric_seconds = seconds_since(evaluated);
    return r;
}

EpochFiles Training::epoch_files(const RunDirectory& run, std::int64_t epoch, bool last) {
    EpochFiles files;
    if (is_record_epoch(config_.record_every, epoch + 1, last))
        files.records = [this, &run, epoch](io::BackgroundCommits* c) { task_->write_records(run, epoch + 1, c); };
    if (last)
        files.outputs = [this, &run, epoch](io::BackgroundCommits* c) { task_->write_outputs(run, epoch + 1, c); };
    return files;
}

// Appends the epoch's metrics and writes its files.
void Training::record(std::int64_t epoch, const EpochTotals& totals, const EpochResult& result) {
    if (!writes()) {
        run_.epochs_done = epoch + 1;
        return;
    }
    auto& m = run_.metrics;
    append_metrics(m, epoch, totals, result, optimizer_->lr());
    const bool last = epoch + 1 == config_.epochs;
    const RunDirectory run(path_);
    kind_.update_header(run_);
    write_epoch_files(run, epoch_files(run, epoch, last), epoch + 1, last, run_, *model_, kind_.templates(),
                      *optimizer_, &commits_);
    progress_->end_epoch(fmt::format("epoch {}/{}: train loss {:.4f} acc {:.4f} | {} | {:.1f}s", epoch + 1,
                                     config_.epochs, m["train_loss"].back(), m["train_acc"].back(),
                                     task_->describe(result.scores), totals.seconds));
}

std::string Training::kept_after_interrupt() {
    commits_.wait();
    if (run_.epochs_done == 0) return fmt::format("{}: no epoch was finished, nothing was written", path_);
    return fmt::format("{} holds epoch {} of {}; continue it with --resume {}", path_, run_.epochs_done, config_.epochs,
                       path_);
}

TrainSummary Training::summary() const {
    TrainSummary summary;
    for (const auto& [name, values] : run_.metrics)
        if (!values.empty()) summary.last[name] = values.back();
    summary.epochs = run_.epochs_done;
    summary.output = path_;
    return summary;
}

}  // namespace

data::AugmentSpec augment_spec(const RunConfig& c, const data::Dataset& d) {
    if (!c.augment) return data::AugmentSpec::none();
    data::AugmentSpec spec = d.default_augment;
    if (c.shift >= 0) spec.pad = static_cast<int>(c.shift);
    if (c.hflip >= 0) spec.hflip = c.hflip == 1;
    return spec;
}

data::Dataset load_run_dataset(const RunConfig& c, const data::SplitsWanted& wanted) {
    data::DatasetSpec spec;
    spec.name = c.dataset;
    spec.dir = c.data_dir;
    spec.val_size = static_cast<std::size_t>(c.val_size);
    spec.seed = run_data_seed(c);
    spec.max_train = static_cast<std::size_t>(c.max_train);
    spec.max_test = static_cast<std::size_t>(c.max_test);
    spec.folder_images = {c.image_size, c.image_resize, c.skip_bad_images};
    spec.image_cache = c.image_cache;
    spec.test_size = static_cast<std::size_t>(c.test_size);
    spec.wanted = wanted;
    spec.stream = c.image_stream;
    return data::load_dataset(spec);
}

std::string default_output(const RunConfig& c) { return fmt::format("{}_a{}_s{}", c.model, c.smoothing, c.seed); }

io::FileLock claim_output(const RunConfig& config, const TrainOptions& options,
                          const std::vector<std::string>& inputs) {
    io::OutputFile output;
    output.path = config.output;
    output.purpose = "training";
    output.inputs = inputs;
    output.inputs.push_back(config.teacher);
    output.force = options.force;
    output.resume = options.resume;
    output.exists_advice = "use --force to overwrite, --resume to continue";
    return claim_run_directory(output);
}

TrainSummary train(RunConfig config, const data::Dataset& dataset, const TrainOptions& options,
                   const TrainHooks& hooks) {
    validate_before_training(config, dataset, hooks.teacher != nullptr);
    ClassificationRun kind(dataset, hooks);
    return train_run(std::move(config), kind, options);
}

TrainSummary train_run(RunConfig config, RunKind& kind, const TrainOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    if (config.output.empty()) config.output = default_output(config);
    config.output = RunDirectory(config.output).dir();
    std::optional<io::FileLock> own_lock;
    const bool writes = options.world == nullptr || options.world->root();  // the other ranks of a run write nothing
    if (options.output_lock == nullptr && writes)
        own_lock.emplace(claim_output(config, options));
    else if (options.output_lock != nullptr && options.output_lock->output() != config.output)
        fail("{}: the lock held is for '{}', not this output", config.output, options.output_lock->output());

    if (writes && !options.resume) remove_run_files(RunDirectory(config.output));  // --force's, and only lskd's
    Training training(std::move(config), kind, options);
    training.add_setup_seconds(seconds_since(started));
    run_epochs(
        training.first_epoch(), training.epochs(), [&training](std::int64_t epoch) { training.run_epoch(epoch); },
        [&training] { return training.kept_after_interrupt(); });
    TrainSummary summary = training.summary();
    summary.seconds = seconds_since(started);
    return summary;
}

}  // namespace lskd::distill
