#include "framework/layers/inference.hpp"

#include <cmath>

#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/layers/dropout.hpp"
#include "framework/ops/precision.hpp"

namespace lskd::nn {
bool inference_mode(const Module& m) { return !m.is_training() && !grad_mode_enabled() && fusions_enabled(); }

FoldedConv::FoldedConv(const Conv2d& conv, const BatchNorm2d* bn, ops::PostOps post)
    : conv_(conv), bn_(bn), op_(conv.weight().shape(), conv.options(), post) {
    if (bn != nullptr && bn->running_mean().numel() != conv.weight().dim(0))
        fail("FoldedConv: batch norm over {} channels after a convolution with {} outputs", bn->running_mean().numel(),
             conv.weight().dim(0));
}

std::array<FoldedConv::Stamp, 6> FoldedConv::stamps() const {
    auto stamp = [](const Tensor& t) { return Stamp{t.data(), t.version()}; };
    const Variable b = conv_.bias();
    std::array<Stamp, 6> s{stamp(conv_.weight().value()), b.defined() ? stamp(b.value()) : Stamp{}};
    if (bn_ != nullptr) {
        s[2] = stamp(bn_->weight().value());
        s[3] = stamp(bn_->bias().value());
        s[4] = stamp(bn_->running_mean());
        s[5] = stamp(bn_->running_var());
    }
    return s;
}

void FoldedConv::refresh() {
    const std::array<Stamp, 6> now = stamps();
    if (folds_ > 0 && now == folded_from_) return;
    const Variable w = conv_.weight(), b = conv_.bias();
    const std::int64_t outputs = w.dim(0), per_output = w.value().numel() / outputs;
    const float* src = w.value().data();
    float* dst = op_.weights_for_writing().data();  // a new version: conv2d reorders it once
    float* bias = op_.bias().data();
    for (std::int64_t o = 0; o < outputs; ++o) {
        float scale = 1.0f, shift = b.defined() ? b.value().at(o) : 0.0f;
        if (bn_ != nullptr) {
            scale = bn_->weight().value().at(o) / std::sqrt(bn_->running_var().at(o) + bn_->eps());
            shift = (shift - bn_->running_mean().at(o)) * scale + bn_->bias().value().at(o);
        }
        for (std::int64_t i = 0; i < per_output; ++i) dst[o * per_output + i] = src[o * per_output + i] * scale;
        bias[o] = shift;
    }
    folded_from_ = now;
    ++folds_;
}

Tensor FoldedConv::run(const Tensor& x, ops::Bf16Io io) {
    refresh();
    return op_.run(x, io);
}

void FoldedConv::run_into(const Tensor& x, Tensor& dst, bool bf16_input) {
    refresh();
    op_.run_into(x, dst, bf16_input);
}

InferenceSteps::InferenceSteps(const std::vector<FusedStep>& steps) {
    for (const FusedStep& s : steps) {
        Step step;
        step.post = s.post;
        if (auto* conv = dynamic_cast<Conv2d*>(s.module)) {
            step.conv = std::make_unique<FoldedConv>(*conv, s.folded_bn, s.post);
        } else if (auto* linear = dynamic_cast<Linear*>(s.module)) {
            step.weight = linear->weight();
            step.bias = linear->bias();
        } else if (dynamic_cast<Dropout*>(s.module) != nullptr && s.post.none()) {
            continue;
        } else if (auto* custom = dynamic_cast<InferenceModule*>(s.module); custom != nullptr && s.post.none()) {
            step.custom = custom;
        } else {
            step.other = s.module;
        }
        steps_.push_back(std::move(step));
    }
}

InferenceSteps::Activation InferenceSteps::run_step(Step& s, Activation x, bool bf16_out) {
    const ops::Bf16Io io{.input = x.bf16, .output = bf16_out};
    if (s.conv) return {s.conv->run(x.value, io), bf16_out};
    if (s.weight.defined())
        return {ops::linear_inference(x.value, s.weight, s.bias.defined() ? s.bias.value() : Tensor(), s.post, io),
                bf16_out};
    LSKD_CHECK(!x.bf16, "a bf16 activation reached a step that reads only f32");
    if (s.custom != nullptr) return {s.custom->infer(std::move(x.value))};
    return {s.other->forward_with(Variable(std::move(x.value)), s.post).value()};
}

InferenceSteps::Activation InferenceSteps::run_steps(Tensor x, std::size_t end, bool bf16_out) {
    const bool bf16 = ops::compute_precision() == ops::Precision::bf16;
    Activation a{std::move(x)};
    for (std::size_t i = 0; i < end; ++i) {
        const bool next_reads_bf16 = i + 1 < end ? steps_[i + 1].weighted() : bf16_out;
        a = run_step(steps_[i], std::move(a), bf16 && steps_[i].weighted() && next_reads_bf16);
    }
    return a;
}

Tensor InferenceSteps::run(Tensor x, std::size_t end) { return run_steps(std::move(x), end, false).value; }

InferenceSteps::Activation InferenceSteps::run_all_but_last(Tensor x) {
    LSKD_CHECK(!steps_.empty(), "an inference plan without steps");
    return run_steps(std::move(x), steps_.size() - 1, steps_.back().weighted());
}

void InferenceSteps::run_last_into(const Activation& x, Tensor& dst) {
    LSKD_CHECK(!steps_.empty() && steps_.back().conv && steps_.back().post.sum,
               "the last inference step must be a convolution with a sum post-op");
    steps_.back().conv->run_into(x.value, dst, x.bf16);
}

Tensor SequentialInference::run(Sequential& seq, Tensor x) {
    LSKD_CHECK(inference_mode(seq), "the fused inference pass needs eval mode without a graph");
    if (planned_ != &seq || planned_size_ != seq.size()) {
        steps_ = std::make_unique<InferenceSteps>(plan_chain(seq.chain(), FusionMode::inference));
        planned_ = &seq;
        planned_size_ = seq.size();
    }
    return steps_->run(std::move(x));
}

}  // namespace lskd::nn
