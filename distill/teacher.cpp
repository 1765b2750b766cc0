#include "distill/teacher.hpp"

#include <cstring>

#include "analysis/equivalent_smoothing.hpp"
#include "distill/run_precision.hpp"
#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/runtime/threads.hpp"
#include "framework/tensor/eigen_view.hpp"

namespace lskd::distill {
namespace {

// The per-channel affine map from the student's normalised inputs to the teacher's; empty when equal.
void normalization_map(const data::Normalization& student, const data::Normalization& teacher,
                       std::vector<float>& scale, std::vector<float>& shift) {
    if (student.mean == teacher.mean && student.std == teacher.std) return;
    for (std::size_t c = 0; c < teacher.mean.size(); ++c) {
        // pixel/255 = x_s·std_s + mean_s, so x_t = (x_s·std_s + mean_s − mean_t) / std_t.
        scale.push_back(student.std[c] / teacher.std[c]);
        shift.push_back((student.mean[c] - teacher.mean[c]) / teacher.std[c]);
    }
}

// Reads the teacher's run with `read` (its header alone, or header and state), its errors named as the teacher's.
template <typename Read>
auto read_teacher(const std::string& path, Read read) {
    if (path.empty()) fail("no teacher: give the teacher's run directory (--teacher TEACHER)");
    try {
        return read(path);
    } catch (const Error& e) {
        const std::string what = e.what();
        if (what.starts_with(path)) fail("teacher {}", what);  // the message names the run already
        fail("teacher {}: {}", path, what);
    }
}

void check_teacher(const std::string& path, const RunHeader& run, const RunConfig& student) {
    if (!run.complete)
        fail("teacher {}: the run is not complete ({} of {} epochs); finish it with lskd train --resume {}", path,
             run.epochs_done, run.config.epochs, path);
    if (run.config.dataset != student.dataset)
        fail("teacher {}: trained on data set '{}', but the student uses '{}'", path, run.config.dataset,
             student.dataset);
    if (!run.metrics.contains("test_acc") || run.metrics.at("test_acc").empty())
        fail("teacher {}: no test_acc metric", path);
}

}  // namespace

RunHeader check_teacher_run(const std::string& path, const RunConfig& student) {
    RunHeader run = read_teacher(path, [](const std::string& p) { return read_run_header(p); });
    check_teacher(path, run, student);
    return run;
}

std::unique_ptr<Teacher> open_teacher(const RunConfig& student, const data::Dataset& dataset,
                                      const TeacherOptions& options) {
    const std::string& path = student.teacher;
    const RunContents run = read_teacher(path, [](const std::string& p) { return load_run(p); });
    check_teacher(path, run, student);
    if (run.num_classes != dataset.num_classes)
        fail("teacher {}: has {} classes, but the student's data set {} has {}", path, run.num_classes, dataset.name,
             dataset.num_classes);
    const data::ImageSet& train = dataset.train;
    if (run.input.height != train.height || run.input.width != train.width || run.input.channels != train.channels)
        fail("teacher {}: takes {}x{}x{} inputs, but the student's data are {}x{}x{}", path, run.input.height,
             run.input.width, run.input.channels, train.height, train.width, train.channels);

    std::unique_ptr<Teacher> t(new Teacher());
    t->model_ = load_model(run);
    t->precision_ = run_precision(run.config, "teacher " + path);
    t->model_->eval();  // and never back: the teacher receives no gradients and no dropout
    t->info_.file = path;
    t->info_.hash = parameter_hash(run.params);
    t->info_.alpha = run.config.smoothing;
    t->info_.test_acc = run.metrics.at("test_acc").back();
    t->live_ = student.augment;

    // The logits, hence γ and the student, must not depend on the thread count of whatever ran before.
    runtime::init_threads(student.threads);
    const ops::PrecisionGuard precision(t->precision_);
    t->train_ = teacher_train_logits(*t->model_, run.normalization, t->info_, dataset, options.cache_dir, options.batch,
                                     t->cache_);
    t->forward_passes_ = t->cache_.forward_passes;
    t->info_.gamma = analysis::equivalent_smoothing(as_matrix(t->train_.logits), t->train_.labels, student.temperature);
    if (t->live_) {
        normalization_map(dataset.normalization, run.normalization, t->scale_, t->shift_);
        t->train_ = {};  // only γ needed it
    } else {
        t->row_.reserve(t->train_.indices.size());
        for (std::size_t r = 0; r < t->train_.indices.size(); ++r)
            t->row_.emplace(t->train_.indices[r], static_cast<std::int64_t>(r));
    }
    return t;
}

const Tensor& Teacher::logits(const data::Batch& batch) { return live_ ? evaluate(batch) : lookup(batch); }

const Tensor& Teacher::lookup(const data::Batch& batch) {
    const std::int64_t n = static_cast<std::int64_t>(batch.size()), K = train_.logits.dim(1);
    if (!out_.defined() || out_.dim(0) != n || !out_.unique()) out_ = Tensor::empty({n, K});
    for (std::int64_t i = 0; i < n; ++i) {
        const auto it = row_.find(batch.indices[static_cast<std::size_t>(i)]);
        if (it == row_.end())
            fail("teacher {}: no cached logits for training example {}", info_.file,
                 batch.indices[static_cast<std::size_t>(i)]);
        std::memcpy(out_.data() + i * K, train_.logits.data() + it->second * K,
                    static_cast<std::size_t>(K) * sizeof(float));
    }
    return out_;
}

const Tensor& Teacher::evaluate(const data::Batch& batch) {
    NoGradGuard no_grad;
    const ops::PrecisionGuard precision(precision_);
    Tensor x = batch.images;
    if (!scale_.empty()) {
        if (!input_.defined() || !(input_.shape() == batch.images.shape()))
            input_ = Tensor::empty(batch.images.shape());
        const std::size_t C = scale_.size();
        const float* src = batch.images.data();
        float* dst = input_.data();
        for (std::int64_t i = 0; i < input_.numel(); ++i) {
            const std::size_t c = static_cast<std::size_t>(i) % C;  // NHWC: the channel is innermost
            dst[i] = src[i] * scale_[c] + shift_[c];
        }
        x = input_;
    }
    out_ = model_->forward(Variable(x)).value();
    ++forward_passes_;
    return out_;
}

DistillResult distill_student(const RunConfig& student, const data::Dataset& dataset, const TrainOptions& options,
                              const TeacherOptions& teacher_options, TrainHooks hooks) {
    validate(student);
    const auto teacher = open_teacher(student, dataset, teacher_options);
    hooks.teacher = teacher.get();
    DistillResult r;
    r.summary = train(student, dataset, options, hooks);
    r.teacher = teacher->info();
    r.cache = teacher->cache();
    r.teacher_forward_passes = teacher->forward_passes();
    r.live = teacher->live();
    return r;
}

}  // namespace lskd::distill
