#include "models/resnet_blocks.hpp"

#include "framework/core/error.hpp"
#include "framework/layers/init.hpp"
#include "framework/ops/ops.hpp"

namespace lskd::models {

std::shared_ptr<nn::Conv2d> kaiming_conv(Rng& rng, std::int64_t in, std::int64_t out, std::int64_t k,
                                         std::int64_t stride) {
    auto c = std::make_shared<nn::Conv2d>(rng, in, out, k, stride, k / 2, false);
    Tensor w = c->weight().value();
    nn::init::kaiming_normal_(w, rng, 0.0, nn::init::FanMode::fan_out, nn::init::Nonlinearity::relu);
    return c;
}

void ResidualBlock::finish(Rng& rng, std::vector<nn::Module*> main, const std::string& shortcut_name,
                           std::int64_t in_channels, std::int64_t out_channels, std::int64_t stride) {
    main_ = std::move(main);
    if (stride != 1 || in_channels != out_channels) {
        shortcut_ = register_module(shortcut_name, std::make_shared<nn::Sequential>());
        shortcut_->append(kaiming_conv(rng, in_channels, out_channels, 1, stride));
        shortcut_->append(std::make_shared<nn::BatchNorm2d>(out_channels));
    }
    register_module("relu", relu_);
}

// The add needs one input in its output's type (ops::add). The shortcut is planned to give the block's output type;
// the identity gives the input's, so the main path ends bf16 unless an identity block turns a bf16 input into an f32
// output.
void ResidualBlock::plan(ops::Bf16Io io) {
    const nn::PlanKey key = nn::current_plan_key();
    if (!plan_.main.empty() && key == planned_key_ && io == planned_io_) return;
    const bool main_bf16 = shortcut_ || io.output || !io.input;
    plan_ = nn::plan_residual(main_, nn::FusionMode::graph, {.input_bf16 = io.input, .output_read_as_bf16 = main_bf16});
    if (shortcut_)
        shortcut_plan_ = nn::plan_chain(shortcut_->chain(), nn::FusionMode::graph,
                                        {.input_bf16 = io.input, .output_read_as_bf16 = io.output});
    planned_key_ = key;
    planned_io_ = io;
}

Variable ResidualBlock::forward_with(const Variable& x, const ops::PostOps& post) {
    ops::check_post_ops("residual block", post, fusable_post_ops());
    plan(post.bf16);
    const Variable main = nn::run_steps(plan_.main, x);
    const Variable shortcut = shortcut_ ? nn::run_steps(shortcut_plan_, x) : x;
    ops::PostOps add = plan_.add;
    add.bf16.output = post.bf16.output;
    const Variable sum = ops::add(main, shortcut, add);
    return plan_.relu_after_add ? relu_->forward(sum) : sum;
}

Tensor ResidualBlock::infer(Tensor x) {
    if (!main_inference_) {
        const nn::ResidualPlan plan = nn::plan_residual(main_, nn::FusionMode::inference);
        LSKD_CHECK(plan.sum_in_main, "the block's inference plan adds the shortcut in its last convolution");
        main_inference_ = std::make_unique<nn::InferenceSteps>(plan.main);
    }
    const nn::InferenceSteps::Activation h = main_inference_->run_all_but_last(x);
    Tensor out = shortcut_ ? shortcut_inference_.run(*shortcut_, x) : x.unique() ? std::move(x) : x.clone();
    main_inference_->run_last_into(h, out);
    return out;
}

BasicBlock::BasicBlock(Rng& rng, std::int64_t in_channels, std::int64_t out_channels, std::int64_t stride,
                       const std::string& shortcut_name) {
    auto conv1 = register_module("conv1", kaiming_conv(rng, in_channels, out_channels, 3, stride));
    auto bn1 = register_module("bn1", std::make_shared<nn::BatchNorm2d>(out_channels));
    auto conv2 = register_module("conv2", kaiming_conv(rng, out_channels, out_channels, 3, 1));
    auto bn2 = register_module("bn2", std::make_shared<nn::BatchNorm2d>(out_channels));
    finish(rng, {conv1.get(), bn1.get(), relu(), conv2.get(), bn2.get()}, shortcut_name, in_channels, out_channels,
           stride);
}

Bottleneck::Bottleneck(Rng& rng, std::int64_t in_channels, std::int64_t width, std::int64_t stride) {
    const std::int64_t out_channels = width * kExpansion;
    auto conv1 = register_module("conv1", kaiming_conv(rng, in_channels, width, 1, 1));
    auto bn1 = register_module("bn1", std::make_shared<nn::BatchNorm2d>(width));
    auto conv2 = register_module("conv2", kaiming_conv(rng, width, width, 3, stride));
    auto bn2 = register_module("bn2", std::make_shared<nn::BatchNorm2d>(width));
    auto conv3 = register_module("conv3", kaiming_conv(rng, width, out_channels, 1, 1));
    auto bn3 = register_module("bn3", std::make_shared<nn::BatchNorm2d>(out_channels));
    finish(rng, {conv1.get(), bn1.get(), relu(), conv2.get(), bn2.get(), relu(), conv3.get(), bn3.get()}, "downsample",
           in_channels, out_channels, stride);
}

}  // namespace lskd::models
