// The fusion plan changes how a model's forward runs, never what it computes: for every model of the table, the
// fused forward and backward (logits, penultimate activations, every parameter's gradient) equal the unfused ones
// (nn::UnfusedGuard) bit for bit, in training mode and in eval mode with a graph.
#include <algorithm>
#include <cstring>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "framework/core/random.hpp"
#include "framework/dnnl/primitive_profile.hpp"
#include "framework/layers/fusion_plan.hpp"
#include "models/model_registry.hpp"
#include "tests/random_tensor.hpp"

using namespace lskd;
using lskd::testing::random_tensor;

namespace {

struct Pass {
    Tensor logits, penultimate;
    std::map<std::string, Tensor> grads;
    std::uint64_t primitive_runs = 0;
};

// Forward and backward from `seed` on the logits, from the model's state, its counters (dropout's masks) restored.
Pass run(models::Classifier& model, const Tensor& x, const Tensor& seed, const nn::StateDict& state,
         const nn::CounterDict& counters) {
    model.load_state(state);
    model.load_counters(counters);
    model.zero_grad();
    Pass p;
    {
        dnnl_ctx::PrimitiveProfile profile;
        models::ClassifierOutput out = model.forward_with_features(Variable(x));
        out.logits.backward(seed);
        p.logits = out.logits.value().clone();
        p.penultimate = out.penultimate.value().clone();
        for (const auto& r : profile.runs()) p.primitive_runs += r.runs;
    }
    for (const auto& param : model.named_parameters()) p.grads[param.name] = param.var.grad().clone();
    return p;
}

bool bitwise_equal(const Tensor& a, const Tensor& b) {
    return a.defined() && b.defined() && a.shape() == b.shape() &&
           std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.numel()) * sizeof(float)) == 0;
}

}  // namespace

TEST_CASE("every model's fused forward and backward equal the unfused ones bit for bit, in training and eval mode",
          "[models][fusion]") {
    for (const models::ModelEntry& e : models::model_table())
        for (const bool training : {true, false}) {
            if (e.kind != models::ModelKind::classifier) continue;
            // 28x28x1, or the smallest input the model takes (the ImageNet ResNets downsample by 32).
            const std::int64_t side = std::max<std::int64_t>(28, e.min_side);
            const models::InputShape shape{side, side, 1};
            DYNAMIC_SECTION(e.name << (training ? " training" : " eval")) {
                auto model = models::make_model(e.name, shape, 10, 3, {{16}, e.takes_dropout ? 0.25 : 0.0});
                model->train(training);
                const Tensor x = random_tensor({3, side, side, 1}, 7), seed = random_tensor({3, 10}, 8);
                const nn::StateDict state = model->state();
                const nn::CounterDict counters = model->named_counters();
                const Pass fused = run(*model, x, seed, state, counters);
                Pass unfused;
                {
                    nn::UnfusedGuard guard;
                    unfused = run(*model, x, seed, state, counters);
                }
                // The guard really takes the other path: every fused ReLU saves at least its own forward primitive.
                CHECK(fused.primitive_runs < unfused.primitive_runs);
                CHECK(bitwise_equal(fused.logits, unfused.logits));
                CHECK(bitwise_equal(fused.penultimate, unfused.penultimate));
                REQUIRE(fused.grads.size() == unfused.grads.size());
                for (const auto& [name, grad] : fused.grads) {
                    INFO(name);
                    CHECK(bitwise_equal(grad, unfused.grads.at(name)));
                }
            }
        }
}
