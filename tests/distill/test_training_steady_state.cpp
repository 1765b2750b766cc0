// The training step as the trainer runs it (targets, forward, loss, backward, gradient clipping, SGD update,
// zero_grad; distill/trainer.cpp) on an MLP, a convolutional net and a residual net (in f32, and in bf16 with its
// bf16 activations), with the label-smoothed cross-entropy and with each distillation loss on a teacher's logits. After
// warm-up no phase allocates on the heap, draws a new buffer from the pool or creates a primitive. oneDNN 2.6 allocates
// a few blocks inside each execution of a primitive, for itself: those are told apart by their call stack and only
// required to be as many every step. The classification task's own step (distill/classification_task.hpp: its batches,
// targets and loss) keeps the same steady state on the training split's batches.
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "distill/classification_task.hpp"
#include "distill/loss_forms.hpp"
#include "distill/targets.hpp"
#include "framework/core/random.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/precision.hpp"
#include "framework/optim/adamw.hpp"
#include "framework/optim/clip_grad.hpp"
#include "framework/optim/sgd.hpp"
#include "framework/tensor/buffer_pool.hpp"
#include "models/model_registry.hpp"
#include "tests/distill/run_fixture.hpp"
#include "tests/heap_counter.hpp"
#include "tests/random_tensor.hpp"

using namespace lskd;

namespace {

enum Phase : std::size_t { kTargets, kForward, kLoss, kBackward, kClip, kUpdate, kZeroGrad, kPhases };
constexpr std::array<const char*, kPhases> kPhaseNames{"targets", "forward", "loss",     "backward",
                                                       "clip",    "update",  "zero_grad"};

// What one phase drew: heap blocks (lskd's, and oneDNN's for itself), fresh pool buffers, new primitives.
struct Draws {
    std::uint64_t heap = 0, library_heap = 0, buffers = 0, primitives = 0;
    bool operator==(const Draws&) const = default;
};
using StepDraws = std::array<Draws, kPhases>;

struct Counters {
    testing::HeapCounts heap = testing::heap_counts();
    PoolStats pool = pool_stats();
    dnnl_ctx::CacheStats cache = dnnl_ctx::cache_stats();

    Draws since(const Counters& before) const {
        const std::uint64_t library = heap.library_allocations - before.heap.library_allocations;
        return {heap.allocations - before.heap.allocations - library, library,
                pool.fresh_allocations - before.pool.fresh_allocations, cache.misses - before.cache.misses};
    }
};

// Heap blocks allocated and not yet freed.
std::int64_t live_heap_blocks() {
    const testing::HeapCounts c = testing::heap_counts();
    return static_cast<std::int64_t>(c.allocations) - static_cast<std::int64_t>(c.frees);
}

class TrainingStep {
public:
    // Without a loss form, the label-smoothed cross-entropy; with one, that distillation loss on random teacher
    // logits at T = 4 and the form's default β.
    TrainingStep(const std::string& model, const models::InputShape& input, std::int64_t batch,
                 std::optional<distill::LossForm> form)
        : model_(models::make_model(model, input, kClasses, 1)),
          params_(model_->parameters()),
          sgd_(model_->named_parameters(), sgd_options()),
          images_(testing::random_tensor({batch, input.height, input.width, input.channels}, 7)),
          labels_(static_cast<std::size_t>(batch)),
          targets_(Tensor::empty({batch, kClasses})),
          form_(form) {
        for (std::size_t i = 0; i < labels_.size(); ++i) labels_[i] = static_cast<std::int32_t>(i % kClasses);
        if (form) {
            teacher_logits_ = testing::random_tensor({batch, kClasses}, 11);
            settings_ = {*form, distill::default_beta(*form), 4.0};
        }
    }

    // One step, and what each of its phases drew. Reads counters only: Catch2 is not called inside.
    StepDraws run() {
        StepDraws draws;
        Counters last;
        const auto mark = [&](Phase p) {
            const Counters now;
            draws[p] = now.since(last);
            last = now;
        };
        distill::smoothed_targets(labels_, 0.1, targets_);
        mark(kTargets);
        const Variable logits = model_->forward(Variable(images_));
        mark(kForward);
        Variable loss =
            form_ ? distill::distillation_loss(logits, targets_, teacher_logits_, settings_, workspace_).objective
                  : ops::soft_target_cross_entropy(logits, targets_);
        mark(kLoss);
        loss.backward();
        mark(kBackward);
        // A max norm this small always scales, so the scaling is measured too.
        optim::clip_grad_norm(params_, 1e-3);
        mark(kClip);
        sgd_.set_lr(0.01);
        sgd_.step();
        mark(kUpdate);
        model_->zero_grad();
        mark(kZeroGrad);
        return draws;
    }

private:
    static constexpr std::int64_t kClasses = 10;
    static optim::SgdOptions sgd_options() {
        optim::SgdOptions o;
        o.lr = 0.01;
        o.momentum = 0.9;
        o.weight_decay = 5e-4;
        return o;
    }

    std::shared_ptr<models::Classifier> model_;
    std::vector<Variable> params_;
    optim::SGD sgd_;
    Tensor images_;
    std::vector<std::int32_t> labels_;
    Tensor targets_;
    std::optional<distill::LossForm> form_;
    Tensor teacher_logits_;
    distill::DistillSettings settings_;
    distill::LossWorkspace workspace_;
};

}  // namespace

TEST_CASE("steady-state training steps allocate nothing on the heap, draw no buffer and create no primitive",
          "[distill][steady]") {
    REQUIRE(testing::attribute_library("libdnnl"));
    struct Run {
        std::string net;
        models::InputShape input;
        std::int64_t batch;
        std::optional<distill::LossForm> form;
        bool bf16 = false;  // bf16 compute precision, where oneDNN has it: the residual net's bf16 stream
    };
    // Every loss on the MLP; the cross-entropy and hinton's sum of two on the convolutional and residual nets.
    const models::InputShape mnist{28, 28, 1}, cifar{32, 32, 3};
    for (const Run& run :
         {Run{"mlp-800", mnist, 8, std::nullopt}, Run{"mlp-800", mnist, 8, distill::LossForm::muller},
          Run{"mlp-800", mnist, 8, distill::LossForm::hinton}, Run{"mlp-800", mnist, 8, distill::LossForm::logit_mse},
          Run{"lenet", mnist, 4, std::nullopt}, Run{"lenet", mnist, 4, distill::LossForm::hinton},
          Run{"resnet-20", cifar, 2, std::nullopt}, Run{"resnet-20", cifar, 2, distill::LossForm::hinton},
          Run{"resnet-20", cifar, 2, std::nullopt, true}}) {
        if (run.bf16 && !ops::bf16_available()) {
            WARN("SKIPPED: oneDNN has no bf16 implementation on this CPU; the bf16 steady state is untested");
            continue;
        }
        DYNAMIC_SECTION(run.net << " " << (run.form ? distill::loss_form_name(*run.form) : "cross-entropy")
                                << (run.bf16 ? " bf16" : "")) {
            const ops::PrecisionGuard precision(run.bf16 ? ops::Precision::bf16 : ops::Precision::f32);
            TrainingStep step(run.net, run.input, run.batch, run.form);
            // Two warm-up steps: the first SGD step starts the momentum, the second is the first that continues it.
            step.run();
            step.run();
            const std::int64_t live_heap = live_heap_blocks();
            const std::size_t live_buffers = pool_stats().live_buffers;
            std::array<StepDraws, 4> steps;
            for (StepDraws& s : steps) s = step.run();
            const std::int64_t live_heap_after = live_heap_blocks();

            for (std::size_t p = 0; p < kPhases; ++p) {
                INFO(kPhaseNames[p] << ": " << steps[0][p].heap << " heap blocks (and " << steps[0][p].library_heap
                                    << " of oneDNN's own), " << steps[0][p].buffers << " fresh buffers, "
                                    << steps[0][p].primitives << " new primitives");
                for (const StepDraws& s : steps) {
                    CHECK(s[p].heap == 0);
                    CHECK(s[p].buffers == 0);
                    CHECK(s[p].primitives == 0);
                    CHECK(s[p].library_heap == steps[0][p].library_heap);
                }
            }
            CHECK(live_heap_after == live_heap);
            CHECK(pool_stats().live_buffers == live_buffers);
        }
    }
}

TEST_CASE("the classification task's steady-state steps allocate nothing, draw no buffer and create no primitive",
          "[distill][steady]") {
    REQUIRE(testing::attribute_library("libdnnl"));
    distill::RunConfig config = testing::small_run_config("");
    config.batch = 60;  // 10 whole batches of the 600 examples: every step has the same shapes
    config.smoothing = 0.1;
    const data::Dataset& dataset = testing::small_dataset();
    auto model = models::make_model("mlp", {28, 28, 1}, 10, 1, {{32}, 0.0});
    optim::SgdOptions o;
    o.lr = 0.01;
    o.momentum = 0.9;
    optim::SGD sgd(model->named_parameters(), o);
    distill::ClassificationTask task(config, dataset, *model, nullptr, nullptr);
    model->train();
    const auto step = [&] {
        task.next_batch();
        distill::StepLoss loss = task.loss();
        loss.objective.backward();
        sgd.step();
        model->zero_grad();
    };
    task.begin_epoch(0);
    step();
    step();
    const std::int64_t live_heap = live_heap_blocks();
    const std::size_t live_buffers = pool_stats().live_buffers;
    std::array<Draws, 4> draws;
    for (Draws& d : draws) {
        const Counters before;
        step();
        d = Counters().since(before);
    }
    const std::int64_t live_heap_after = live_heap_blocks();
    for (const Draws& d : draws) {
        INFO(d.heap << " heap blocks (and " << d.library_heap << " of oneDNN's own), " << d.buffers
                    << " fresh buffers, " << d.primitives << " new primitives");
        CHECK(d.heap == 0);
        CHECK(d.buffers == 0);
        CHECK(d.primitives == 0);
        CHECK(d.library_heap == draws[0].library_heap);
    }
    CHECK(live_heap_after == live_heap);
    CHECK(pool_stats().live_buffers == live_buffers);
}

TEST_CASE("an AdamW step after the first allocates nothing and draws no buffer", "[distill][steady]") {
    auto model = models::make_model("mlp", {28, 28, 1}, 10, 1, {{32}, 0.0});
    optim::AdamW adam(model->named_parameters(), {.lr = 1e-3, .weight_decay = 1e-4});
    for (const nn::NamedParameter& p : model->named_parameters()) {
        Variable v = p.var;
        v.grad() = Tensor::full(v.shape(), 0.1f);
    }
    adam.step();
    const Counters before;
    for (int i = 0; i < 3; ++i) adam.step();
    const Draws d = Counters().since(before);
    INFO(d.heap << " heap blocks, " << d.buffers << " fresh buffers");
    CHECK(d.heap == 0);
    CHECK(d.buffers == 0);
}
