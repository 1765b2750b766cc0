#include "distill/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "distill/loss_forms.hpp"
#include "distill/progress.hpp"
#include "distill/run_file.hpp"
#include "distill/run_validation.hpp"
#include "distill/targets.hpp"
#include "framework/core/error.hpp"
#include "framework/data/batch_loader.hpp"
#include "framework/data/subset.hpp"
#include "framework/optim/clip_grad.hpp"
#include "framework/optim/lr_schedule.hpp"
#include "framework/ops/ops.hpp"
#include "framework/optim/sgd.hpp"
#include "framework/runtime/threads.hpp"
#include "models/model_registry.hpp"

namespace lskd::distill {
namespace {

// Every run of a study sees the same validation split and the same recorded examples, whatever its seed.
constexpr std::uint64_t kDataSeed = 0;

data::AugmentSpec augment_spec(const RunConfig& c, const data::Dataset& d) {
    if (!c.augment) return data::AugmentSpec::none();
    data::AugmentSpec spec = d.default_augment;
    if (c.shift >= 0) spec.pad = static_cast<int>(c.shift);
    if (c.hflip >= 0) spec.hflip = c.hflip == 1;
    return spec;
}

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

void check_output_path(const std::string& path, const TrainOptions& options) {
    namespace fs = std::filesystem;
    if (options.resume) {
        if (!fs::exists(path)) fail("{}: cannot resume: no such run file", path);
        return;
    }
    if (fs::exists(path) && !options.force) fail("{}: output exists (use --force to overwrite, --resume to continue)", path);
    const fs::path dir = fs::path(path).parent_path();
    if (!dir.empty() && !fs::exists(dir)) {
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec) fail("{}: cannot create the output directory: {}", dir.string(), ec.message());
    }
}

}  // namespace

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

std::string default_output(const RunConfig& c) { return fmt::format("{}_a{}_s{}.h5", c.model, c.smoothing, c.seed); }

TrainSummary train(RunConfig config, const data::Dataset& dataset, const TrainOptions& options, const TrainHooks& hooks) {
    validate_before_training(config, dataset);
    const auto started = std::chrono::steady_clock::now();
    if (config.output.empty()) config.output = default_output(config);
    const std::string path = config.output;
    check_output_path(path, options);

    RunContents run;
    if (options.resume) {
        run = load_run(path);
        if (run.complete && run.epochs_done >= config.epochs) fail("{}: the run is already complete", path);
        const std::int64_t epochs = config.epochs;
        config = run.config;
        config.output = path;
        config.epochs = std::max(epochs, config.epochs);
    }
    validate(config);
    runtime::init_threads(config.threads);
    if (hooks.teacher == nullptr && !config.teacher.empty())
        fail("{}: a teacher is configured but none was loaded", config.teacher);

    const int K = dataset.num_classes;
    const models::InputShape input{dataset.train.height, dataset.train.width, dataset.train.channels};
    models::ModelOptions model_options{config.hidden, config.dropout};
    std::shared_ptr<models::Classifier> model = models::make_model(config.model, input, K, config.seed, model_options);

    optim::SgdOptions sgd_options;
    sgd_options.lr = config.lr;
    sgd_options.momentum = config.momentum;
    sgd_options.nesterov = config.nesterov;
    sgd_options.weight_decay = config.weight_decay;
    sgd_options.decay_biases_and_norm = config.decay_biases;
    optim::SGD sgd(model->named_parameters(), sgd_options);

    if (options.resume) {
        model->load_state(run.params);
        model->load_counters(run.counters);
        sgd.load_state(run.optimizer);
    } else {
        run.config = config;
        run.num_classes = K;
        run.class_names = dataset.class_names;
        run.input = input;
        run.normalization = dataset.normalization;
        if (hooks.teacher != nullptr) run.teacher = hooks.teacher->info();
    }
    run.config = config;

    data::LoaderSpec loader_spec;
    loader_spec.batch_size = static_cast<std::size_t>(config.batch);
    loader_spec.augment = augment_spec(config, dataset);
    loader_spec.seed = config.seed;
    data::BatchLoader loader(dataset.train, dataset.normalization, loader_spec);
    const auto steps_per_epoch = static_cast<std::int64_t>(loader.batches_per_epoch());
    if (steps_per_epoch == 0) fail("{}: the training split is empty", dataset.name);
    const optim::Schedule schedule = optim::make_schedule(
        config.schedule, config.lr, steps_per_epoch * config.epochs,
        optim::epoch_milestones_to_steps(config.milestones, steps_per_epoch), config.lr_gamma);

    const data::ImageSet train_records = data::take(dataset.train, record_positions(dataset.train, K, config.record_per_class));
    const data::ImageSet test_records = data::take(dataset.test, record_positions(dataset.test, K, config.record_per_class));

    DistillSettings distill_settings;
    if (hooks.teacher != nullptr) {
        distill_settings.form = parse_loss_form(config.loss);
        distill_settings.beta = config.beta < 0 ? default_beta(distill_settings.form) : config.beta;
        distill_settings.temperature = config.temperature;
        run.config.beta = distill_settings.beta;
    }
    LossWorkspace workspace;
    Tensor targets;
    Progress progress(options.label.empty() ? config.model : options.label, options.quiet);
    model->train();

    for (std::int64_t epoch = run.epochs_done; epoch < config.epochs; ++epoch) {
        const auto epoch_start = std::chrono::steady_clock::now();
        loader.begin_epoch(static_cast<std::uint64_t>(epoch));
        progress.begin_epoch(epoch, config.epochs, steps_per_epoch);
        data::Batch batch;
        double loss_sum = 0;
        std::int64_t seen = 0, correct = 0, step = 0;
        while (loader.next(batch)) {
            const auto n = static_cast<std::int64_t>(batch.size());
            ensure(targets, {n, K});
            smoothed_targets(batch.labels, config.smoothing, targets);
            Variable logits = model->forward(Variable(batch.images));
            Variable objective;
            double reported;
            if (hooks.teacher != nullptr) {
                LossValue lv = distillation_loss(logits, targets, hooks.teacher->logits(batch), distill_settings, workspace);
                objective = lv.objective;
                reported = lv.reported;
            } else {
                objective = ops::soft_target_cross_entropy(logits, targets);
                reported = objective.value().at(0);
            }
            if (!std::isfinite(reported))
                fail("{}: loss is {} at epoch {} step {}; the run file keeps epoch {}", path, reported, epoch + 1,
                     step + 1, run.epochs_done);
            objective.backward();
            if (config.clip_norm > 0) optim::clip_grad_norm(model->named_parameters(), config.clip_norm);
            sgd.set_lr(schedule.lr(epoch * steps_per_epoch + step));
            sgd.step();
            model->zero_grad();
            loss_sum += reported * static_cast<double>(n);
            correct += correct_predictions(logits.value(), batch.labels);
            seen += n;
            ++step;
            progress.step(step, loss_sum / static_cast<double>(seen), static_cast<double>(correct) / seen, n);
        }
        const double train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();

        const SplitMetrics test = score(run_model(*model, dataset.test, dataset.normalization, config.batch, false));
        const double val_acc =
            dataset.val.size() > 0 ? score(run_model(*model, dataset.val, dataset.normalization, config.batch, false)).accuracy
                                   : std::nan("");
        auto& m = run.metrics;
        m["epoch"].push_back(static_cast<double>(epoch + 1));
        m["train_loss"].push_back(loss_sum / static_cast<double>(seen));
        m["train_acc"].push_back(static_cast<double>(correct) / static_cast<double>(seen));
        m["val_acc"].push_back(val_acc);
        m["test_acc"].push_back(test.accuracy);
        m["test_nll"].push_back(test.nll);
        m["test_ece"].push_back(test.ece);
        m["train_seconds"].push_back(train_seconds);
        m["lr"].push_back(sgd.lr());
        for (const auto& [name, metric] : hooks.epoch_metrics) {
            model->eval();
            const std::optional<double> value = metric(*model, dataset, epoch + 1);
            model->train();
            m[name].push_back(value.value_or(std::nan("")));
        }

        const bool last = epoch + 1 == config.epochs;
        std::vector<RecordSet> records;
        if (last || (config.record_every > 0 && (epoch + 1) % config.record_every == 0)) {
            records.push_back({"train", epoch + 1, run_model(*model, train_records, dataset.normalization, config.batch, true)});
            records.push_back({"test", epoch + 1, run_model(*model, test_records, dataset.normalization, config.batch, true)});
        }
        SplitOutputs final_test;
        if (last) final_test = run_model(*model, dataset.test, dataset.normalization, config.batch, false);

        run.epochs_done = epoch + 1;
        run.complete = last;
        run.params = model->state();
        run.optimizer = sgd.state();
        run.counters = model->named_counters();
        save_run(path, run, *model, records, last ? &final_test : nullptr, epoch == 0 && !options.resume);
        progress.end_epoch(fmt::format("epoch {}/{}: train loss {:.4f} acc {:.4f} | val acc {:.4f} | test acc {:.4f} "
                                       "nll {:.4f} ece {:.4f} | {:.1f}s",
                                       epoch + 1, config.epochs, m["train_loss"].back(), m["train_acc"].back(), val_acc,
                                       test.accuracy, test.nll, test.ece, train_seconds));
    }

    TrainSummary summary;
    for (const auto& [name, values] : run.metrics)
        if (!values.empty()) summary.last[name] = values.back();
    summary.epochs = run.epochs_done;
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    summary.output = path;
    return summary;
}

}  // namespace lskd::distill
