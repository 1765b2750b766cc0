// The training loop (distill/training_loop.hpp) on a task of its own that is no classifier's: batches of unit
// counts it chooses, a loss it reports, so that the loop is seen to assume nothing of images or labels.
#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include "distill/training_loop.hpp"
#include "framework/core/error.hpp"
#include "framework/core/interrupt.hpp"
#include "framework/ops/ops.hpp"
#include "framework/optim/sgd.hpp"
#include "models/model_registry.hpp"
#include "tests/random_tensor.hpp"

using namespace lskd;

namespace {

// Batches of `sizes` examples of random 2x2 images; the loss counts each example as `units_per_example` units.
class CountingTask final : public distill::Task {
public:
    CountingTask(models::Classifier& model, std::vector<std::int64_t> sizes)
        : model_(model), sizes_(std::move(sizes)) {}

    std::int64_t steps_per_epoch() const override { return static_cast<std::int64_t>(sizes_.size()); }
    void begin_epoch(std::int64_t epoch) override {
        epochs_begun.push_back(epoch);
        next_ = 0;
    }
    bool next_batch() override {
        if (next_ == sizes_.size()) return false;
        examples_ = sizes_[next_++];
        return true;
    }
    const char* example_unit() const override { return "img"; }
    std::int64_t batch_examples() const override { return examples_; }
    void keep_shard(distributed::Shard) override { FAIL("a single process keeps no shard"); }
    std::int64_t step_examples() const override { return examples_; }
    distill::StepLoss loss() override {
        const Variable logits = model_.forward(Variable(testing::random_tensor({examples_, 2, 2, 1}, 5)));
        Tensor targets = Tensor::zeros({examples_, 3});
        for (std::int64_t i = 0; i < examples_; ++i) targets.data()[i * 3] = 1.0f;
        distill::StepLoss out;
        out.objective = ops::soft_target_cross_entropy(logits, targets);
        out.reported = next_ == nan_at ? std::numeric_limits<double>::quiet_NaN() : 0.5;
        out.count = examples_ * units_per_example;
        out.correct = 1;
        return out;
    }
    distill::EpochScores evaluate(bool, bool) override { return {}; }
    std::string describe(const distill::EpochScores&) const override { return {}; }
    void write_records(const distill::RunDirectory&, std::int64_t, io::BackgroundCommits*) override {}
    void write_outputs(const distill::RunDirectory&, std::int64_t, io::BackgroundCommits*) override {}

    std::vector<std::int64_t> epochs_begun;
    std::int64_t units_per_example = 7;
    std::size_t nan_at = 0;  // the step (1-based) whose loss is NaN; 0: none

private:
    models::Classifier& model_;
    std::vector<std::int64_t> sizes_;
    std::size_t next_ = 0;
    std::int64_t examples_ = 0;
};

optim::SgdOptions sgd_options() {
    optim::SgdOptions o;
    o.lr = 0.1;
    return o;
}

struct Fixture {
    std::shared_ptr<models::Classifier> model = models::make_model("mlp", {2, 2, 1}, 3, 1, {{4}, 0.0});
    optim::SGD sgd{model->named_parameters(), sgd_options()};
    optim::Schedule schedule = optim::Schedule::linear(0.1, 12);
    std::vector<Variable> params = model->parameters();
    distill::Progress progress{"test", true};
    CountingTask task{*model, {2, 3, 1}};

    distill::TrainingLoop loop() {
        return distill::TrainingLoop(distill::LoopParts{task, *model, sgd, schedule, params, 0.0, nullptr, progress},
                                     "RUN");
    }
};

}  // namespace

TEST_CASE("the loop steps once per batch at the scheduled rate and sums the task's loss over its units",
          "[distill][training_loop]") {
    Fixture f;
    const Tensor before = f.model->head().weight().value().clone();
    const distill::EpochTotals t = f.loop().train_epoch(1, 4, {});
    CHECK(f.task.epochs_begun == std::vector<std::int64_t>{1});
    CHECK(t.seen == 6 * 7);
    CHECK(t.loss_sum == 0.5 * 6 * 7);
    CHECK(t.correct == 3);
    CHECK(t.metric_seconds == 0);
    // The last of the epoch's 3 steps is the run's step 1·3 + 2.
    CHECK(f.sgd.lr() == f.schedule.lr(5));
    const auto after = f.model->head().weight().value().values();
    CHECK_FALSE(std::equal(after.begin(), after.end(), before.values().begin()));
    CHECK(f.model->is_training());
}

TEST_CASE("early measurements run before the first step and after the steps asked for", "[distill][training_loop]") {
    Fixture f;
    std::vector<std::int64_t> calls;
    distill::EarlyMeasurements early{{1, 2}, [&calls](std::int64_t step) { calls.push_back(step); }};
    const distill::EpochTotals t = f.loop().train_epoch(0, 4, early);
    CHECK(calls == std::vector<std::int64_t>{0, 1, 2});
    CHECK(t.metric_seconds >= 0);
}

TEST_CASE("a loss that is not finite stops the epoch naming the run, the epoch and the step",
          "[distill][training_loop]") {
    Fixture f;
    f.task.nan_at = 2;
    CHECK_THROWS_WITH(f.loop().train_epoch(1, 4, {}), "RUN: loss is nan at epoch 2 step 2; the run file keeps epoch 1");
}

TEST_CASE("run_epochs runs the epochs left and says what was kept when interrupted", "[distill][training_loop]") {
    std::vector<std::int64_t> ran;
    distill::run_epochs(
        2, 5, [&ran](std::int64_t e) { ran.push_back(e); }, [] { return std::string("kept"); });
    CHECK(ran == std::vector<std::int64_t>{2, 3, 4});

    const auto interrupted = [](std::int64_t e) {
        if (e == 1) throw Interrupted(SIGTERM);
    };
    CHECK_THROWS_WITH(distill::run_epochs(0, 3, interrupted, [] { return std::string("RUN holds epoch 1 of 3"); }),
                      "interrupted by SIGTERM; RUN holds epoch 1 of 3");
}
