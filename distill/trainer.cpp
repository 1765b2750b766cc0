#include "distill/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "distill/checkpoint.hpp"
#include "distill/loss_forms.hpp"
#include "distill/metrics_csv.hpp"
#include "distill/mi_probe.hpp"
#include "distill/progress.hpp"
#include "distill/run_validation.hpp"
#include "distill/split_outputs_file.hpp"
#include "distill/targets.hpp"
#include "framework/core/error.hpp"
#include "framework/data/batch_loader.hpp"
#include "framework/data/subset.hpp"
#include "framework/distributed/batch_split.hpp"
#include "framework/distributed/gradient_buckets.hpp"
#include "framework/distributed/rank_sums.hpp"
#include "framework/io/h5_file.hpp"
#include "framework/io/output_policy.hpp"
#include "framework/ops/ops.hpp"
#include "framework/optim/clip_grad.hpp"
#include "framework/optim/lr_schedule.hpp"
#include "framework/optim/sgd.hpp"
#include "framework/runtime/interrupt.hpp"
#include "framework/runtime/threads.hpp"
#include "models/model_registry.hpp"

namespace lskd::distill {
namespace {

// Every run of a study sees the same validation split and the same recorded examples, whatever its seed.
constexpr std::uint64_t kDataSeed = 0;

// Positions of a stratified subset of `set`: per_class examples of each class, or as many as the rarest
// class has.
std::vector<std::size_t> record_positions(const data::ImageSet& set, int num_classes, std::int64_t per_class) {
    const auto counts = data::class_counts(set.labels, num_classes);
    std::size_t k = static_cast<std::size_t>(per_class);
    for (std::size_t c : counts) k = std::min(k, c);
    if (k == 0) return {};
    return data::stratified_subset(set.labels, num_classes, k, kDataSeed);
}

void ensure(Tensor& t, const Shape& shape) {
    if (!t.defined() || !(t.shape() == shape)) t = Tensor::empty(shape);
}

std::int64_t correct_predictions(const Tensor& logits, std::span<const std::int32_t> labels) {
    const std::int64_t n = logits.dim(0), k = logits.dim(1);
    std::int64_t correct = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        const float* z = logits.data() + i * k;
        if (std::max_element(z, z + k) - z == labels[static_cast<std::size_t>(i)]) ++correct;
    }
    return correct;
}

// Rows [shard.begin, shard.end()) of a batch: one rank's part of a data-parallel global batch.
void take_rows(const data::Batch& batch, distributed::Shard shard, data::Batch& out) {
    Shape shape = batch.images.shape();
    const std::size_t width = static_cast<std::size_t>(batch.images.numel() / shape[0]);
    shape[0] = static_cast<std::int64_t>(shard.count);
    out.images = Tensor::from(shape, batch.images.values().subspan(shard.begin * width, shard.count * width));
    const auto b = static_cast<std::ptrdiff_t>(shard.begin), e = static_cast<std::ptrdiff_t>(shard.end());
    out.labels.assign(batch.labels.begin() + b, batch.labels.begin() + e);
    out.indices.assign(batch.indices.begin() + b, batch.indices.begin() + e);
}

// Why `path` is not an lskd run: --force replaces nothing else.
std::optional<std::string> not_a_run(const std::string& path) {
    if (is_run_directory(path)) return std::nullopt;
    return std::string("it holds no checkpoint.h5");
}

// The files of the run at `run` that describe no model of its checkpoint at `epochs_done`: outputs and analyses of a
// finished run that a resume trains further, and the records of an epoch a kill stopped before its checkpoint.
void remove_stale_parts(const RunDirectory& run, std::int64_t epochs_done) {
    std::error_code ec;
    for (const std::string& dir : {run.outputs_dir(), run.analyses_dir()}) std::filesystem::remove_all(dir, ec);
    for (const char* split : {"train", "val", "test"})
        for (const std::int64_t epoch : run.recorded_epochs(split))
            if (epoch > epochs_done) std::filesystem::remove(run.record(split, epoch), ec);
}

// Starts the run directory afresh: --force replaces an earlier run's files, and only those.
void start_run_directory(const RunDirectory& run) {
    std::error_code ec;
    remove_stale_parts(run, 0);
    std::filesystem::remove_all(run.records_dir(), ec);
    for (const std::string& file : {run.checkpoint(), run.metrics_csv()}) std::filesystem::remove(file, ec);
    io::make_output_directory(run.dir());
}

// Per epoch: what training measured on the way.
struct EpochTotals {
    double loss_sum = 0;
    std::int64_t seen = 0, correct = 0;
    double seconds = 0;         // training steps only
    double metric_seconds = 0;  // the epoch metrics measured within the epoch (a fresh run's first)
};

// The steps of an epoch of `steps` after which a fresh run measures its epoch metrics: `points` of them spaced
// evenly (step k·steps/(points + 1), rounded), each at most once and none at the epoch's end.
std::vector<std::int64_t> early_steps(std::int64_t steps, std::int64_t points) {
    std::vector<std::int64_t> out;
    for (std::int64_t k = 1; k <= points; ++k) {
        const std::int64_t s = (2 * k * steps + points + 1) / (2 * (points + 1));
        if (s > 0 && s < steps && (out.empty() || out.back() != s)) out.push_back(s);
    }
    return out;
}

// Per epoch: the model scored after training (NaN on epochs eval-every skips, and on the ranks of a data-parallel
// run other than rank 0, which get no outputs). The full test set is run once, for the metrics and, at the last
// epoch, for /outputs/test.
struct EpochEvaluation {
    SplitOutputs test, val;  // val: empty without a validation split
    SplitMetrics test_metrics;
    double val_acc = 0;
    std::map<std::string, double> extra;  // the hooks' epoch metrics
    double eval_seconds = 0, metric_seconds = 0;
};

// One run from setup to its last epoch: setup (the constructor), train_epoch, evaluate and record.
class Training {
public:
    Training(RunConfig config, const data::Dataset& dataset, const TrainOptions& options, const TrainHooks& hooks)
        : dataset_(dataset), options_(options), hooks_(hooks) {
        resolve(std::move(config));
        check_inputs();
        build();
    }

    std::int64_t first_epoch() const { return run_.epochs_done; }
    std::int64_t epochs() const { return config_.epochs; }
    // Waits for the files in flight, then says which epoch the run keeps.
    std::string kept_after_interrupt();

    EpochTotals train_epoch(std::int64_t epoch);
    EpochEvaluation evaluate(std::int64_t epoch);
    void record(std::int64_t epoch, const EpochTotals& totals, const EpochEvaluation& evaluation);
    TrainSummary summary() const;
    void add_setup_seconds(double seconds) { run_.setup_seconds += seconds; }

private:
    void resolve(RunConfig config);
    void check_inputs();
    void build();
    void measure_early(std::int64_t step);
    void write_epoch_files(std::int64_t epoch, bool last, const EpochEvaluation& e);
    bool parallel() const { return options_.world != nullptr && options_.world->size() > 1; }
    bool writes() const { return options_.world == nullptr || options_.world->root(); }
    // One SGD step on this rank's examples of a global batch of `global` examples.
    void train_step(const data::Batch& batch, std::int64_t global, std::int64_t epoch, std::int64_t step,
                    EpochTotals& t);

    const data::Dataset& dataset_;
    const TrainOptions& options_;
    const TrainHooks& hooks_;
    std::map<std::string, EpochMetric> epoch_metrics_;  // mi-every's and the hooks'
    std::string path_;
    RunConfig config_;
    RunContents run_;
    int K_ = 0;
    std::shared_ptr<models::Classifier> model_;
    std::unique_ptr<optim::SGD> sgd_;
    std::unique_ptr<data::BatchLoader> loader_;
    std::int64_t steps_per_epoch_ = 0;
    std::unique_ptr<optim::Schedule> schedule_;
    data::ImageSet train_records_, val_records_, test_records_;  // val: empty without a validation split
    DistillSettings distill_settings_;
    LossWorkspace workspace_;
    Tensor targets_;
    std::unique_ptr<Progress> progress_;
    std::vector<Variable> params_;  // the model's, listed once (clipping runs over them every step)
    // Data-parallel runs only: the gradients averaged over the ranks, bucket by bucket during backward.
    std::vector<Tensor*> grads_;
    std::unique_ptr<distributed::GradientBuckets> buckets_;
    data::Batch shard_;
    io::BackgroundCommits commits_;  // the epoch's files, moved into place while the next epoch trains
};

// The config to train: the stored one when resuming (with a larger epoch count if asked for).
void Training::resolve(RunConfig config) {
    path_ = config.output;
    if (options_.resume) {
        run_ = load_run(path_);
        if (run_.complete && run_.epochs_done >= config.epochs) fail("{}: the run is already complete", path_);
        const std::int64_t epochs = config.epochs;
        config = run_.config;
        config.output = path_;
        if (writes()) remove_stale_parts(RunDirectory(path_), run_.epochs_done);
        config.epochs = std::max(epochs, config.epochs);
    }
    config_ = std::move(config);
}

// Every check of the config, alone and against the data set, belongs here: it runs before any model is built.
void Training::check_inputs() {
    validate(config_, hooks_.teacher != nullptr);
    if (hooks_.teacher == nullptr && !config_.teacher.empty())
        fail("{}: a teacher is configured but none was loaded", config_.teacher);
    // The trainer honours mi-every itself, whoever runs it (lskd train, distill, sweep, study): Î appended to
    // /metrics/mi (and mi_2, ... for further pairs) every mi-every epochs and at the last (M's Figure 6).
    check_mi_settings(config_, dataset_);
    epoch_metrics_ = mi_epoch_metrics(config_, dataset_);
    for (const auto& [name, metric] : hooks_.epoch_metrics)
        if (!epoch_metrics_.emplace(name, metric).second)
            fail("the epoch metric '{}' is given twice (mi-every measures it)", name);
}

void Training::build() {
    runtime::init_threads(config_.threads);
    K_ = dataset_.num_classes;
    const models::InputShape input{dataset_.train.height, dataset_.train.width, dataset_.train.channels};
    models::ModelOptions model_options{config_.hidden, config_.dropout};
    model_ = models::make_model(config_.model, input, K_, config_.seed, model_options);

    optim::SgdOptions sgd_options;
    sgd_options.lr = config_.lr;
    sgd_options.momentum = config_.momentum;
    sgd_options.nesterov = config_.nesterov;
    sgd_options.weight_decay = config_.weight_decay;
    sgd_options.decay_biases_and_norm = config_.decay_biases;
    sgd_ = std::make_unique<optim::SGD>(model_->named_parameters(), sgd_options);

    const std::int64_t ranks = options_.world != nullptr ? options_.world->size() : 1;
    if (options_.resume && run_.world_size != ranks)
        fail("{}: trained on {} MPI rank(s), resumed on {}; resume it with the same number of ranks", path_,
             run_.world_size, ranks);
    run_.world_size = ranks;
    if (options_.resume) {
        model_->load_state(run_.params);
        model_->load_counters(run_.counters);
        sgd_->load_state(run_.optimizer);
    } else {
        run_.num_classes = K_;
        run_.class_names = dataset_.class_names;
        run_.input = input;
        run_.normalization = dataset_.normalization;
        if (hooks_.teacher != nullptr) run_.teacher = hooks_.teacher->info();
    }
    run_.config = config_;

    data::LoaderSpec loader_spec;
    loader_spec.batch_size = static_cast<std::size_t>(config_.batch);
    loader_spec.augment = augment_spec(config_, dataset_);
    loader_spec.seed = config_.seed;
    loader_ = std::make_unique<data::BatchLoader>(dataset_.train, dataset_.normalization, loader_spec);
    steps_per_epoch_ = static_cast<std::int64_t>(loader_->batches_per_epoch());
    if (steps_per_epoch_ == 0) fail("{}: the training split is empty", dataset_.name);
    schedule_ = std::make_unique<optim::Schedule>(
        optim::make_schedule(config_.schedule, config_.lr, steps_per_epoch_ * config_.epochs,
                             optim::epoch_milestones_to_steps(config_.milestones, steps_per_epoch_), config_.lr_gamma));

    train_records_ = data::take(dataset_.train, record_positions(dataset_.train, K_, config_.record_per_class));
    val_records_ = data::take(dataset_.val, record_positions(dataset_.val, K_, config_.record_per_class));
    test_records_ = data::take(dataset_.test, record_positions(dataset_.test, K_, config_.record_per_class));

    if (hooks_.teacher != nullptr) {
        distill_settings_.form = parse_loss_form(config_.loss);
        distill_settings_.beta = config_.beta < 0 ? default_beta(distill_settings_.form) : config_.beta;
        distill_settings_.temperature = config_.temperature;
        run_.config.beta = distill_settings_.beta;
    }
    progress_ = std::make_unique<Progress>(options_.label.empty() ? config_.model : options_.label,
                                           options_.quiet || !writes());
    params_ = model_->parameters();
    if (parallel()) {
        std::vector<Shape> shapes;
        for (Variable& p : params_) {
            shapes.push_back(p.shape());
            grads_.push_back(&p.grad());
        }
        buckets_ = std::make_unique<distributed::GradientBuckets>(*options_.world, std::move(shapes));
        // A gradient joins its bucket as soon as backward has finished it, so the sums overlap the rest of
        // backward. The hooks do nothing outside train_step's begin_step/finish_step.
        for (std::size_t i = 0; i < params_.size(); ++i)
            params_[i].set_grad_final_hook([buckets = buckets_.get(), i] { buckets->gradient_ready(i); });
    }
    model_->train();
}

// The epoch metrics after `step` steps of the first epoch, called with epoch 0, appended to /early_metrics.
void Training::measure_early(std::int64_t step) {
    auto& m = run_.early_metrics;
    m["epoch"].push_back(static_cast<double>(step) / static_cast<double>(steps_per_epoch_));
    model_->eval();
    for (const auto& [name, metric] : epoch_metrics_)
        m[name].push_back(metric(*model_, dataset_, 0).value_or(std::nan("")));
    model_->train();
}

void Training::train_step(const data::Batch& batch, std::int64_t global, std::int64_t epoch, std::int64_t step,
                          EpochTotals& t) {
    const auto n = static_cast<std::int64_t>(batch.size());
    if (buckets_) buckets_->begin_step(grads_, n, global);
    if (n > 0) {  // a rank's shard of a last batch smaller than the ranks may be empty; it still joins the average
        ensure(targets_, {n, K_});
        smoothed_targets(batch.labels, config_.smoothing, targets_);
        Variable logits = model_->forward(Variable(batch.images));
        Variable objective;
        double reported;
        if (hooks_.teacher != nullptr) {
            LossValue lv =
                distillation_loss(logits, targets_, hooks_.teacher->logits(batch), distill_settings_, workspace_);
            objective = lv.objective;
            reported = lv.reported;
        } else {
            objective = ops::soft_target_cross_entropy(logits, targets_);
            reported = objective.value().at(0);
        }
        if (!std::isfinite(reported))
            fail("{}: loss is {} at epoch {} step {}; the run file keeps epoch {}", path_, reported, epoch + 1,
                 step + 1, run_.epochs_done);
        objective.backward();
        t.loss_sum += reported * static_cast<double>(n);
        t.correct += correct_predictions(logits.value(), batch.labels);
        t.seen += n;
    }
    if (buckets_) buckets_->finish_step();  // clipping needs the averaged gradients
    if (config_.clip_norm > 0) optim::clip_grad_norm(params_, config_.clip_norm);
    sgd_->set_lr(schedule_->lr(epoch * steps_per_epoch_ + step));
    sgd_->step();
    model_->zero_grad();
}

EpochTotals Training::train_epoch(std::int64_t epoch) {
    EpochTotals t;
    // Early measurements go to the run file, which rank 0 alone writes.
    const bool early = epoch == 0 && !epoch_metrics_.empty() && writes();
    const std::vector<std::int64_t> early_at = early ? early_steps(steps_per_epoch_, config_.mi_early)
                                                     : std::vector<std::int64_t>{};
    auto next_early = early_at.begin();
    const auto timed_early = [&](std::int64_t step) {
        const auto start = std::chrono::steady_clock::now();
        measure_early(step);
        t.metric_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    const auto epoch_start = std::chrono::steady_clock::now();
    if (early) timed_early(0);
    loader_->begin_epoch(static_cast<std::uint64_t>(epoch));
    progress_->begin_epoch(epoch, config_.epochs, steps_per_epoch_);
    data::Batch batch;
    std::int64_t step = 0;
    while (loader_->next(batch)) {
        const auto n = static_cast<std::int64_t>(batch.size());
        if (parallel()) {
            take_rows(batch, distributed::shard_of(batch.size(), options_.world->rank(), options_.world->size()),
                      shard_);
            train_step(shard_, n, epoch, step, t);
        } else {
            train_step(batch, n, epoch, step, t);
        }
        ++step;
        runtime::throw_if_interrupted();  // the run file keeps the last whole epoch
        progress_->step(step, t.loss_sum / static_cast<double>(std::max<std::int64_t>(t.seen, 1)),
                        static_cast<double>(t.correct) / static_cast<double>(std::max<std::int64_t>(t.seen, 1)), n);
        if (next_early != early_at.end() && *next_early == step) {
            timed_early(step);
            ++next_early;
        }
    }
    if (parallel()) {
        // The epoch's totals over every rank's shards; then rank 0's batch-norm statistics for every rank, so that
        // evaluation and the saved model are the same on all (docs/scale.md).
        std::vector<double> sums{t.loss_sum, static_cast<double>(t.correct), static_cast<double>(t.seen)};
        distributed::sum_over_ranks(*options_.world, sums);
        t.loss_sum = sums[0];
        t.correct = static_cast<std::int64_t>(sums[1]);
        t.seen = static_cast<std::int64_t>(sums[2]);
        for (nn::NamedBuffer& b : model_->named_buffers())
            distributed::broadcast_from_root(*options_.world, b.tensor.values_in_place());
    }
    t.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count() - t.metric_seconds;
    return t;
}

EpochEvaluation Training::evaluate(std::int64_t epoch) {
    EpochEvaluation e;
    const auto start = std::chrono::steady_clock::now();
    // eval-every skips validation and test between its epochs; the last is always scored, for the summary
    // and /outputs/test.
    const bool scored = (epoch + 1) % config_.eval_every == 0 || epoch + 1 == config_.epochs;
    const double nan = std::nan("");
    e.test_metrics = {nan, nan, nan};
    e.val_acc = nan;
    if (scored) {
        // Over the ranks of a data-parallel run each rank runs its share of the batches and rank 0, which alone
        // scores and writes, receives the one-process logits (docs/scale.md).
        const auto run_split = [&](const data::ImageSet& set) {
            return parallel()
                       ? run_model_over_ranks(*model_, set, dataset_.normalization, kEvalBatch, K_, *options_.world)
                       : run_model(*model_, set, dataset_.normalization, kEvalBatch, false);
        };
        e.test = run_split(dataset_.test);
        if (writes()) e.test_metrics = score(e.test);
        if (dataset_.val.size() > 0) {
            e.val = run_split(dataset_.val);
            if (writes()) e.val_acc = score(e.val).accuracy;
        }
    }
    const auto evaluated = std::chrono::steady_clock::now();
    e.eval_seconds = std::chrono::duration<double>(evaluated - start).count();
    if (!writes()) return e;  // the hooks' measurements go to the run file, which rank 0 writes
    for (const auto& [name, metric] : epoch_metrics_) {
        model_->eval();
        const std::optional<double> value = metric(*model_, dataset_, epoch + 1);
        model_->train();
        e.extra[name] = value.value_or(std::nan(""));
    }
    e.metric_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - evaluated).count();
    return e;
}

// Appends the epoch's metrics, takes the records it keeps and writes the run file.
void Training::record(std::int64_t epoch, const EpochTotals& totals, const EpochEvaluation& e) {
    if (!writes()) {
        run_.epochs_done = epoch + 1;
        return;
    }
    auto& m = run_.metrics;
    const double seen = static_cast<double>(totals.seen);
    m["epoch"].push_back(static_cast<double>(epoch + 1));
    m["train_loss"].push_back(totals.loss_sum / seen);
    m["train_acc"].push_back(static_cast<double>(totals.correct) / seen);
    m["val_acc"].push_back(e.val_acc);
    m["test_acc"].push_back(e.test_metrics.accuracy);
    m["test_nll"].push_back(e.test_metrics.nll);
    m["test_ece"].push_back(e.test_metrics.ece);
    m["train_seconds"].push_back(totals.seconds);
    m["eval_seconds"].push_back(e.eval_seconds);
    m["metric_seconds"].push_back(totals.metric_seconds + e.metric_seconds);
    m["lr"].push_back(sgd_->lr());
    for (const auto& [name, value] : e.extra) m[name].push_back(value);

    const bool last = epoch + 1 == config_.epochs;
    const auto write_started = std::chrono::steady_clock::now();
    write_epoch_files(epoch, last, e);
    run_.write_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - write_started).count();
    progress_->end_epoch(fmt::format("epoch {}/{}: train loss {:.4f} acc {:.4f} | val acc {:.4f} | test acc {:.4f} "
                                     "nll {:.4f} ece {:.4f} | {:.1f}s",
                                     epoch + 1, config_.epochs, m["train_loss"].back(), m["train_acc"].back(),
                                     e.val_acc, e.test_metrics.accuracy, e.test_metrics.nll, e.test_metrics.ece,
                                     totals.seconds));
}

// The epoch's records (every record-every epochs and at the last), the last epoch's whole-split outputs, then the
// checkpoint that makes them part of the run: a kill before its rename leaves the previous epoch's checkpoint, and
// the resumed epoch writes the same files again.
void Training::write_epoch_files(std::int64_t epoch, bool last, const EpochEvaluation& e) {
    const RunDirectory run(path_);
    // The previous epoch's files are in place before this epoch's start: at most the current epoch is in flight.
    commits_.wait();
    if (last || (config_.record_every > 0 && (epoch + 1) % config_.record_every == 0)) {
        const auto record = [&](const char* split, const data::ImageSet& set) {
            if (set.size() == 0) return;
            write_split_outputs(run.record(split, epoch + 1), split, epoch + 1,
                                run_model(*model_, set, dataset_.normalization, kEvalBatch, true), &commits_);
        };
        record("train", train_records_);
        record("val", val_records_);
        record("test", test_records_);
    }
    if (last) {
        write_split_outputs(run.outputs("test"), "test", epoch + 1, e.test, &commits_);
        if (e.val.labels.size() > 0) write_split_outputs(run.outputs("val"), "val", epoch + 1, e.val, &commits_);
    }
    run_.epochs_done = epoch + 1;
    run_.complete = last;
    run_.params = model_->state();
    run_.optimizer = sgd_->state();
    run_.counters = model_->named_counters();
    write_checkpoint(run, run_, *model_, &commits_);
    write_metrics_csv(path_, run_.metrics);
    if (last) commits_.wait();
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

data::Dataset load_run_dataset(const RunConfig& c) {
    data::DatasetSpec spec;
    spec.name = c.dataset;
    spec.dir = c.data_dir;
    spec.val_size = static_cast<std::size_t>(c.val_size);
    spec.seed = kDataSeed;
    spec.max_train = static_cast<std::size_t>(c.max_train);
    spec.max_test = static_cast<std::size_t>(c.max_test);
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
    output.directory = true;
    output.replaces = "an lskd run directory";
    output.replaceable = not_a_run;
    output.exists_advice = "use --force to overwrite, --resume to continue";
    return io::claim_output_file(output);
}

TrainSummary train(RunConfig config, const data::Dataset& dataset, const TrainOptions& options,
                   const TrainHooks& hooks) {
    validate_before_training(config, dataset, hooks.teacher != nullptr);
    const auto started = std::chrono::steady_clock::now();
    if (config.output.empty()) config.output = default_output(config);
    config.output = RunDirectory(config.output).dir();
    std::optional<io::FileLock> own_lock;
    const bool writes = options.world == nullptr || options.world->root();  // the other ranks of a run write nothing
    if (options.output_lock == nullptr && writes)
        own_lock.emplace(claim_output(config, options));
    else if (options.output_lock != nullptr && options.output_lock->output() != config.output)
        fail("{}: the lock held is for '{}', not this output", config.output, options.output_lock->output());

    if (writes && !options.resume) start_run_directory(RunDirectory(config.output));
    Training training(std::move(config), dataset, options, hooks);
    training.add_setup_seconds(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    // Interrupts are taken between steps and between epochs, never within a write of the run file.
    try {
        for (std::int64_t epoch = training.first_epoch(); epoch < training.epochs(); ++epoch) {
            runtime::throw_if_interrupted();
            const EpochTotals totals = training.train_epoch(epoch);
            const EpochEvaluation evaluation = training.evaluate(epoch);
            training.record(epoch, totals, evaluation);
        }
    } catch (const runtime::Interrupted& i) {
        throw runtime::Interrupted(i.signal(), training.kept_after_interrupt());
    }
    TrainSummary summary = training.summary();
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return summary;
}

}  // namespace lskd::distill
