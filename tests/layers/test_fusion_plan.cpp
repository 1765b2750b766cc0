// The fusion plan on small chains: which module runs with which epilogue, and which modules each step absorbs, in
// graph and inference mode, for a residual block, and with fusions switched off.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "framework/layers/fusion_plan.hpp"
#include "framework/layers/nn.hpp"
#include "framework/ops/precision.hpp"
#include "tests/random_tensor.hpp"

using namespace lskd;
using namespace lskd::nn;

namespace {

// conv bn relu conv relu pool flatten fc relu relu dropout fc, indexed 0 to 11.
struct Chain {
    Rng rng{5};
    std::vector<std::shared_ptr<Module>> owned{std::make_shared<Conv2d>(rng, 2, 4, 3, 1, 1),
                                               std::make_shared<BatchNorm2d>(4),
                                               std::make_shared<ReLU>(),
                                               std::make_shared<Conv2d>(rng, 4, 4, 3, 1, 1),
                                               std::make_shared<ReLU>(),
                                               std::make_shared<MaxPool2d>(2, 2),
                                               std::make_shared<Flatten>(),
                                               std::make_shared<Linear>(rng, 16, 8),
                                               std::make_shared<ReLU>(),
                                               std::make_shared<ReLU>(),
                                               std::make_shared<Dropout>(0.5f),
                                               std::make_shared<Linear>(rng, 8, 3)};
    std::vector<Module*> modules() const {
        std::vector<Module*> out;
        for (const auto& m : owned) out.push_back(m.get());
        return out;
    }
};

// Each step as "<module's index>[+bn <index>] <post-ops> covers <first>..<last>"; bf16 activations as "bf16 in",
// "bf16 out".
std::vector<std::string> describe(const std::vector<FusedStep>& steps, const std::vector<Module*>& chain) {
    const auto index = [&](const Module* m) { return std::find(chain.begin(), chain.end(), m) - chain.begin(); };
    std::vector<std::string> out;
    for (const FusedStep& s : steps)
        out.push_back(fmt::format("{}{}{}{}{}{} covers {}..{}", index(s.module),
                                  s.folded_bn != nullptr ? fmt::format("+bn {}", index(s.folded_bn)) : "",
                                  s.post.sum ? " sum" : "", s.post.relu ? " relu" : "",
                                  s.post.bf16.input ? " bf16 in" : "", s.post.bf16.output ? " bf16 out" : "", s.first,
                                  s.first + s.count - 1));
    return out;
}

}  // namespace

TEST_CASE("the graph plan fuses each ReLU into the op before it, or into the max-pool after it", "[layers][fusion]") {
    const Chain c;
    const auto chain = c.modules();
    CHECK(describe(plan_chain(chain, FusionMode::graph), chain) ==
          std::vector<std::string>{"0 covers 0..0", "1 relu covers 1..2", "3 covers 3..3", "5 relu covers 4..5",
                                   "6 covers 6..6", "7 relu covers 7..8", "9 covers 9..9", "10 covers 10..10",
                                   "11 covers 11..11"});
}

TEST_CASE("the inference plan folds batch norm into the convolution before it, with the ReLU", "[layers][fusion]") {
    const Chain c;
    const auto chain = c.modules();
    CHECK(describe(plan_chain(chain, FusionMode::inference), chain) ==
          std::vector<std::string>{"0+bn 1 relu covers 0..2", "3 relu covers 3..4", "5 covers 5..5", "6 covers 6..6",
                                   "7 relu covers 7..8", "9 covers 9..9", "10 covers 10..10", "11 covers 11..11"});
}

TEST_CASE("a residual block's sum and ReLU go to the add in training and into the last convolution in inference",
          "[layers][fusion]") {
    Rng rng(6);
    Conv2d conv1(rng, 4, 4, 3, 1, 1), conv2(rng, 4, 4, 3, 1, 1);
    BatchNorm2d bn1(4), bn2(4);
    ReLU relu;
    const std::vector<Module*> main{&conv1, &bn1, &relu, &conv2, &bn2};

    const ResidualPlan graph = plan_residual(main, FusionMode::graph);
    CHECK(describe(graph.main, main) ==
          std::vector<std::string>{"0 covers 0..0", "1 relu covers 1..2", "3 covers 3..3", "4 covers 4..4"});
    CHECK_FALSE(graph.sum_in_main);
    CHECK(graph.add == ops::PostOps{.relu = true});
    CHECK_FALSE(graph.relu_after_add);

    const ResidualPlan inference = plan_residual(main, FusionMode::inference);
    CHECK(describe(inference.main, main) ==
          std::vector<std::string>{"0+bn 1 relu covers 0..2", "3+bn 4 sum relu covers 3..4"});
    CHECK(inference.sum_in_main);
    CHECK(inference.add.none());
}

TEST_CASE("under bf16 the graph plan keeps an activation bf16 where the step before writes it so and the step after "
          "reads it so, a batch norm on both sides or neither",
          "[layers][fusion]") {
    const Chain c;
    const auto chain = c.modules();
    Rng rng(7);
    Conv2d conv1(rng, 4, 4, 3, 1, 1), conv2(rng, 4, 4, 3, 1, 1), conv3(rng, 4, 4, 1, 1, 0);
    BatchNorm2d bn1(4), bn2(4), bn3(4);
    ReLU relu1, relu2;
    MaxPool2d pool(2, 2);
    const std::vector<Module*> basic{&conv1, &bn1, &relu1, &conv2, &bn2};
    const std::vector<Module*> bottleneck{&conv1, &bn1, &relu1, &conv2, &bn2, &relu2, &conv3, &bn3};
    const std::vector<Module*> shortcut{&conv3, &bn3};
    const std::vector<Module*> pooled{&conv1, &bn1, &relu1, &pool};  // the pool reads f32
    const std::vector<Module*> relu_first{&relu1, &conv1};
    const std::vector<Module*> bn_first{&bn1, &relu1, &pool};
    const ChainEnds into_bf16{.output_read_as_bf16 = true}, bf16_in{.input_bf16 = true};

    const ops::PrecisionGuard bf16(ops::Precision::bf16);
    // The model chain: the convolution before the batch norm and the one after it; the second convolution's ReLU
    // goes into the max-pool, which reads f32.
    CHECK(describe(plan_chain(chain, FusionMode::graph), chain) ==
          std::vector<std::string>{"0 bf16 out covers 0..0", "1 relu bf16 in bf16 out covers 1..2",
                                   "3 bf16 in covers 3..3", "5 relu covers 4..5", "6 covers 6..6", "7 relu covers 7..8",
                                   "9 covers 9..9", "10 covers 10..10", "11 covers 11..11"});
    // A residual main path whose add reads bf16 ends bf16; one read as f32 ends f32, so its last batch norm and the
    // convolution before it write f32.
    const ResidualPlan basic_plan = plan_residual(basic, FusionMode::graph, into_bf16);
    CHECK(describe(basic_plan.main, basic) ==
          std::vector<std::string>{"0 bf16 out covers 0..0", "1 relu bf16 in bf16 out covers 1..2",
                                   "3 bf16 in bf16 out covers 3..3", "4 bf16 in bf16 out covers 4..4"});
    CHECK(basic_plan.add == ops::PostOps{.relu = true});
    CHECK(describe(plan_residual(basic, FusionMode::graph).main, basic) ==
          std::vector<std::string>{"0 bf16 out covers 0..0", "1 relu bf16 in bf16 out covers 1..2",
                                   "3 bf16 in covers 3..3", "4 covers 4..4"});
    CHECK(describe(plan_residual(bottleneck, FusionMode::graph, {.input_bf16 = true, .output_read_as_bf16 = true}).main,
                   bottleneck) ==
          std::vector<std::string>{"0 bf16 in bf16 out covers 0..0", "1 relu bf16 in bf16 out covers 1..2",
                                   "3 bf16 in bf16 out covers 3..3", "4 relu bf16 in bf16 out covers 4..5",
                                   "6 bf16 in bf16 out covers 6..6", "7 bf16 in bf16 out covers 7..7"});
    CHECK(describe(plan_chain(shortcut, FusionMode::graph), shortcut) ==
          std::vector<std::string>{"0 covers 0..0", "1 covers 1..1"});
    CHECK(describe(plan_chain(shortcut, FusionMode::graph, bf16_in), shortcut) ==
          std::vector<std::string>{"0 bf16 in covers 0..0", "1 covers 1..1"});
    CHECK(describe(plan_chain(pooled, FusionMode::graph), pooled) ==
          std::vector<std::string>{"0 covers 0..0", "1 covers 1..1", "3 relu covers 2..3"});
    // A bf16 input must be readable where it enters.
    CHECK_THROWS_WITH(plan_chain(relu_first, FusionMode::graph, bf16_in), Catch::Contains("reads only f32"));
    CHECK_THROWS_WITH(plan_chain(bn_first, FusionMode::graph, bf16_in),
                      Catch::Contains("starts with a batch norm whose output is f32"));
    // The inference plan has its own bf16 rule, and without fusions nothing stays bf16.
    CHECK(describe(plan_residual(basic, FusionMode::inference, into_bf16).main, basic) ==
          std::vector<std::string>{"0+bn 1 relu covers 0..2", "3+bn 4 sum relu covers 3..4"});
    const UnfusedGuard unfused;
    for (const FusedStep& step : plan_residual(basic, FusionMode::graph, into_bf16).main) CHECK(step.post.none());
}

TEST_CASE("the plan key follows the fusion switch and the compute precision", "[layers][fusion]") {
    CHECK(current_plan_key() == PlanKey{.fused = true, .bf16 = false});
    {
        const ops::PrecisionGuard bf16(ops::Precision::bf16);
        CHECK(current_plan_key() == PlanKey{.fused = true, .bf16 = true});
        const UnfusedGuard unfused;
        CHECK(current_plan_key() == PlanKey{.fused = false, .bf16 = true});
    }
    CHECK(current_plan_key() == PlanKey{.fused = true, .bf16 = false});
}

TEST_CASE("under UnfusedGuard every module runs alone and the ReLU after a residual sum separately",
          "[layers][fusion]") {
    const Chain c;
    const auto chain = c.modules();
    CHECK(fusions_enabled());
    {
        UnfusedGuard guard;
        CHECK_FALSE(fusions_enabled());
        for (const FusionMode mode : {FusionMode::graph, FusionMode::inference}) {
            const std::vector<FusedStep> steps = plan_chain(chain, mode);
            REQUIRE(steps.size() == chain.size());
            for (std::size_t i = 0; i < steps.size(); ++i) {
                CHECK(steps[i].module == chain[i]);
                CHECK(steps[i].folded_bn == nullptr);
                CHECK(steps[i].post.none());
            }
        }
        const ResidualPlan residual =
            plan_residual(std::vector<Module*>(chain.begin(), chain.begin() + 2), FusionMode::inference);
        CHECK_FALSE(residual.sum_in_main);
        CHECK(residual.add.none());
        CHECK(residual.relu_after_add);
    }
    CHECK(fusions_enabled());
}

TEST_CASE("a module refuses an epilogue its op cannot run", "[layers][fusion]") {
    Flatten flatten;
    const Variable x(lskd::testing::random_tensor({2, 3}, 1));
    CHECK(flatten.fusable_post_ops().none());
    CHECK_THROWS_WITH(flatten.forward_with(x, {.relu = true}), Catch::Contains("unsupported post-op relu"));
    Rng rng(2);
    Linear linear(rng, 3, 2);
    CHECK_THROWS_WITH(linear.forward_with(x, {.sum = true}), Catch::Contains("linear: unsupported post-op sum"));
}
