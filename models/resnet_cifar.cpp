#include "models/resnet_cifar.hpp"

#include <string>

#include "framework/core/error.hpp"
#include "framework/layers/init.hpp"
#include "framework/layers/nn.hpp"
#include "framework/layers/pooling.hpp"

namespace lskd::models {
namespace {

// He et al. initialise convolutions with kaiming_normal (fan_out, ReLU), as torchvision's ResNets do.
std::shared_ptr<nn::Conv2d> conv(Rng& rng, std::int64_t in, std::int64_t out, std::int64_t k, std::int64_t stride) {
    auto c = std::make_shared<nn::Conv2d>(rng, in, out, k, stride, k / 2, false);
    Tensor w = c->weight().value();
    nn::init::kaiming_normal_(w, rng, 0.0, nn::init::FanMode::fan_out, nn::init::Nonlinearity::relu);
    return c;
}

}  // namespace

BasicBlock::BasicBlock(Rng& rng, std::int64_t in_channels, std::int64_t out_channels, std::int64_t stride) {
    conv1_ = register_module("conv1", conv(rng, in_channels, out_channels, 3, stride));
    bn1_ = register_module("bn1", std::make_shared<nn::BatchNorm2d>(out_channels));
    conv2_ = register_module("conv2", conv(rng, out_channels, out_channels, 3, 1));
    bn2_ = register_module("bn2", std::make_shared<nn::BatchNorm2d>(out_channels));
    if (stride != 1 || in_channels != out_channels) {
        shortcut_ = register_module("shortcut", std::make_shared<nn::Sequential>());
        shortcut_->append(conv(rng, in_channels, out_channels, 1, stride));
        shortcut_->append(std::make_shared<nn::BatchNorm2d>(out_channels));
    }
    // Registered last, so the parameters keep their order; it has none.
    relu_ = register_module("relu", std::make_shared<nn::ReLU>());
}

std::array<nn::Module*, 5> BasicBlock::main_path() const {
    return {conv1_.get(), bn1_.get(), relu_.get(), conv2_.get(), bn2_.get()};
}

Variable BasicBlock::forward(const Variable& x) {
    if (plan_.main.empty() || planned_fused_ != nn::fusions_enabled()) {
        plan_ = nn::plan_residual(main_path(), nn::FusionMode::graph);
        planned_fused_ = nn::fusions_enabled();
    }
    const Variable sum = ops::add(nn::run_steps(plan_.main, x), shortcut_ ? shortcut_->forward(x) : x, plan_.add);
    return plan_.relu_after_add ? relu_->forward(sum) : sum;
}

Tensor BasicBlock::infer(Tensor x) {
    if (!main_inference_) {
        const nn::ResidualPlan plan = nn::plan_residual(main_path(), nn::FusionMode::inference);
        LSKD_CHECK(plan.sum_in_main, "the block's inference plan adds the shortcut in its last convolution");
        main_inference_ = std::make_unique<nn::InferenceSteps>(plan.main);
    }
    const Tensor h = main_inference_->run(x, main_inference_->size() - 1);
    Tensor out = shortcut_ ? shortcut_inference_.run(*shortcut_, x) : x.unique() ? std::move(x) : x.clone();
    main_inference_->run_last_into(h, out);
    return out;
}

ResNetCifar::ResNetCifar(Rng& rng, const InputShape& input, std::int64_t blocks_per_stage, std::int64_t num_classes) {
    body().append("conv1", conv(rng, input.channels, 16, 3, 1));
    body().append("bn1", std::make_shared<nn::BatchNorm2d>(16));
    body().append("relu1", std::make_shared<nn::ReLU>());
    std::int64_t channels = 16;
    for (int stage = 0; stage < 3; ++stage) {
        const std::int64_t width = 16 << stage;
        for (std::int64_t b = 0; b < blocks_per_stage; ++b) {
            const std::int64_t stride = (stage > 0 && b == 0) ? 2 : 1;
            body().append("stage" + std::to_string(stage + 1) + "_block" + std::to_string(b + 1),
                          std::make_shared<BasicBlock>(rng, channels, width, stride));
            channels = width;
        }
    }
    body().append("pool", std::make_shared<nn::GlobalAvgPool>());
    set_head(std::make_shared<nn::Linear>(rng, 64, num_classes));
}

}  // namespace lskd::models
