// The training step as the trainer runs it (targets, forward, loss, backward, SGD update, zero_grad;
// distill/classification_task.cpp and distill/training_loop.cpp) on an MLP, a convolutional net and a residual net.
// After warm-up no phase creates a primitive or draws a new buffer from the pool; targets, update and zero_grad
// allocate nothing on the heap; forward, loss and backward allocate only the graph's bookkeeping (nodes, variables,
// tensor handles), as much every step, and the step frees all of it before it ends. The same holds of the
// classification task's step (distill/task.hpp) on the training split's batches.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "distill/classification_task.hpp"
#include "distill/targets.hpp"
#include "framework/core/random.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/ops.hpp"
#include "framework/optim/sgd.hpp"
#include "framework/tensor/buffer_pool.hpp"
#include "models/model_registry.hpp"
#include "tests/distill/run_fixture.hpp"
#include "tests/heap_counter.hpp"
#include "tests/random_tensor.hpp"

using namespace lskd;

namespace {

enum Phase : std::size_t { kTargets, kForward, kLoss, kBackward, kUpdate, kZeroGrad, kPhases };
constexpr std::array<const char*, kPhases> kPhaseNames{"targets", "forward", "loss", "backward", "update", "zero_grad"};

// What one phase drew: heap blocks, fresh pool buffers, new primitives.
struct Draws {
    std::uint64_t heap = 0, buffers = 0, primitives = 0;
    bool operator==(const Draws&) const = default;
};
using StepDraws = std::array<Draws, kPhases>;

struct Counters {
    testing::HeapCounts heap = testing::heap_counts();
    PoolStats pool = pool_stats();
    dnnl_ctx::CacheStats cache = dnnl_ctx::cache_stats();

    Draws since(const Counters& before) const {
        return {heap.allocations - before.heap.allocations, pool.fresh_allocations - before.pool.fresh_allocations,
                cache.misses - before.cache.misses};
    }
};

// Heap blocks allocated and not yet freed.
std::int64_t live_heap_blocks() {
    const testing::HeapCounts c = testing::heap_counts();
    return static_cast<std::int64_t>(c.allocations) - static_cast<std::int64_t>(c.frees);
}

class TrainingStep {
public:
    TrainingStep(const std::string& model, const models::InputShape& input, std::int64_t batch)
        : model_(models::make_model(model, input, kClasses, 1)),
          sgd_(model_->named_parameters(), sgd_options()),
          images_(testing::random_tensor({batch, input.height, input.width, input.channels}, 7)),
          labels_(static_cast<std::size_t>(batch)),
          targets_(Tensor::empty({batch, kClasses})) {
        for (std::size_t i = 0; i < labels_.size(); ++i) labels_[i] = static_cast<std::int32_t>(i % kClasses);
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
        Variable loss = ops::soft_target_cross_entropy(logits, targets_);
        mark(kLoss);
        loss.backward();
        mark(kBackward);
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
    optim::SGD sgd_;
    Tensor images_;
    std::vector<std::int32_t> labels_;
    Tensor targets_;
};

}  // namespace

TEST_CASE("steady-state training steps draw no buffer or primitive, and targets, update and zero_grad allocate nothing",
          "[distill][steady]") {
    struct Net {
        std::string name;
        models::InputShape input;
        std::int64_t batch;
    };
    for (const Net& net :
         {Net{"mlp-800", {28, 28, 1}, 8}, Net{"lenet", {28, 28, 1}, 4}, Net{"resnet-20", {32, 32, 3}, 2}}) {
        DYNAMIC_SECTION(net.name) {
            TrainingStep step(net.name, net.input, net.batch);
            // Two warm-up steps: the first SGD step starts the momentum, the second is the first that continues it.
            step.run();
            step.run();
            const std::int64_t live_heap = live_heap_blocks();
            const std::size_t live_buffers = pool_stats().live_buffers;
            std::array<StepDraws, 4> steps;
            for (StepDraws& s : steps) s = step.run();
            const std::int64_t live_heap_after = live_heap_blocks();

            for (std::size_t p = 0; p < kPhases; ++p) {
                INFO(kPhaseNames[p] << ": " << steps[0][p].heap << " heap blocks, " << steps[0][p].buffers
                                    << " fresh buffers, " << steps[0][p].primitives << " new primitives");
                CHECK(steps[0][p].buffers == 0);
                CHECK(steps[0][p].primitives == 0);
                for (const StepDraws& s : steps) CHECK(s[p] == steps[0][p]);
            }
            for (const Phase p : {kTargets, kUpdate, kZeroGrad}) {
                INFO(kPhaseNames[p]);
                CHECK(steps[0][p].heap == 0);
            }
            CHECK(live_heap_after == live_heap);
            CHECK(pool_stats().live_buffers == live_buffers);
        }
    }
}

TEST_CASE("the classification task's steady-state steps draw no buffer or primitive and free what they allocate",
          "[distill][steady]") {
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
        CHECK(d.buffers == 0);
        CHECK(d.primitives == 0);
        CHECK(d == draws[0]);
    }
    CHECK(live_heap_after == live_heap);
    CHECK(pool_stats().live_buffers == live_buffers);
}
