// bf16 training with activations kept bf16 between primitives (framework/layers/fusion_plan.hpp): a ResNet's
// convolutions, batch norms and blocks pass bf16 tensors and gradients to one another, converting fewer inputs and
// gradients, and the step stays about as close to the f32 one as the bf16 step with f32 activations
// (nn::UnfusedGuard) does.
#include <cmath>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "framework/core/random.hpp"
#include "framework/layers/fusion_plan.hpp"
#include "framework/ops/fused_inference.hpp"
#include "framework/ops/precision.hpp"
#include "models/model_registry.hpp"
#include "tests/random_tensor.hpp"

using namespace lskd;
using lskd::testing::random_tensor;

namespace {

struct Step {
    Tensor logits;
    std::map<std::string, Tensor> grads;
    std::uint64_t input_conversions = 0, gradient_conversions = 0;
};

Step run(models::Classifier& model, const Tensor& x, const Tensor& seed, const nn::StateDict& state) {
    model.load_state(state);
    model.zero_grad();
    Step s;
    const std::uint64_t inputs = ops::bf16_input_conversions(), gradients = ops::bf16_gradient_conversions();
    Variable logits = model.forward(Variable(x));
    logits.backward(seed);
    s.input_conversions = ops::bf16_input_conversions() - inputs;
    s.gradient_conversions = ops::bf16_gradient_conversions() - gradients;
    s.logits = logits.value().clone();
    for (const auto& param : model.named_parameters()) s.grads[param.name] = param.var.grad().clone();
    return s;
}

// ‖a − b‖ / ‖b‖ over all elements of the tensors (matched by name).
double relative_l2(const std::map<std::string, Tensor>& a, const std::map<std::string, Tensor>& b) {
    REQUIRE(a.size() == b.size());
    double diff = 0.0, norm = 0.0;
    for (const auto& [name, t] : a) {
        const Tensor& u = b.at(name);
        REQUIRE(t.shape() == u.shape());
        for (std::int64_t i = 0; i < t.numel(); ++i) {
            const double d = static_cast<double>(t.at(i)) - u.at(i);
            diff += d * d;
            norm += static_cast<double>(u.at(i)) * u.at(i);
        }
    }
    return std::sqrt(diff / (norm + 1e-300));
}

double relative_l2(const Tensor& a, const Tensor& b) { return relative_l2({{"", a}}, {{"", b}}); }

}  // namespace

TEST_CASE("a ResNet's blocks keep bf16 activations in training, with the f32-activation step's values",
          "[models][bf16]") {
    if (!ops::bf16_available()) {
        WARN("SKIPPED: oneDNN has no bf16 implementation on this CPU (it needs AVX-512); bf16 training is untested");
        return;
    }
    // Convolutions and inner products of each model, and how many of them read a bf16 input or receive a bf16
    // gradient. resnet-20: every convolution but the stem's reads bf16 (the blocks sit in the body's chain, so the
    // stream between them is bf16 up to the last block, which writes f32 for the pool), and every convolution but
    // the last block's second writes bf16. resnet-18: torchvision's layers are Sequentials the plan does not see
    // into, so each layer takes and gives f32: its first block's convolutions reading the layer's input (the first
    // convolution and the downsample of layers 2-4) convert it, and its last block's second convolution writes f32,
    // as the stem's does before the max-pool.
    struct Expect {
        const char* name;
        std::int64_t side;
        std::uint64_t weighted, bf16_inputs, bf16_gradients;
    };
    // In eval mode with a graph too (batch norm on its running averages, differentiable: MI probes, saliency).
    for (const Expect& e : {Expect{"resnet-20", 32, 22, 20, 20}, Expect{"resnet-18", 64, 21, 12, 15}})
        for (const bool training : {true, false}) {
            DYNAMIC_SECTION(e.name << (training ? " training" : " eval")) {
                auto model = models::make_model(e.name, {e.side, e.side, 3}, 10, 3);
                model->train(training);
                // Batch norm's statistics over at least 32 values per channel (resnet-18's last stage is 2x2 here).
                const Tensor x = random_tensor({8, e.side, e.side, 3}, 7), seed = random_tensor({8, 10}, 8);
                const nn::StateDict state = model->state();
                const ops::PrecisionGuard bf16(ops::Precision::bf16);
                const Step kept = run(*model, x, seed, state);
                Step converted;
                {
                    nn::UnfusedGuard guard;
                    converted = run(*model, x, seed, state);
                }
                CHECK(converted.input_conversions == e.weighted);
                CHECK(converted.gradient_conversions == e.weighted);
                CHECK(kept.input_conversions == e.weighted - e.bf16_inputs);
                CHECK(kept.gradient_conversions == e.weighted - e.bf16_gradients);

                // Each kept activation and gradient is rounded once more than with f32 activations (and the residual
                // stream takes each block's rounded output), so the step moves from the f32 one by a small multiple of
                // what the bf16 step with f32 activations moves (up to 1.6x the logits' and 1.2x the gradients' here);
                // an error in the data flow (bf16 bits read as f32, a gradient of the wrong type) would move it by the
                // whole step.
                Step f32;
                {
                    const ops::PrecisionGuard f32_guard(ops::Precision::f32);
                    f32 = run(*model, x, seed, state);
                }
                const double logits_kept = relative_l2(kept.logits, f32.logits);
                const double logits_converted = relative_l2(converted.logits, f32.logits);
                const double grads_kept = relative_l2(kept.grads, f32.grads);
                const double grads_converted = relative_l2(converted.grads, f32.grads);
                INFO("relative distance from f32, bf16 activations kept / converted: logits "
                     << logits_kept << " / " << logits_converted << ", gradients " << grads_kept << " / "
                     << grads_converted);
                CHECK(logits_kept < 3.0 * logits_converted);
                CHECK(grads_kept < 2.0 * grads_converted);
                CHECK(grads_converted < 0.5);
            }
        }
}
