#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "distill/epoch_evaluation.hpp"
#include "models/model_registry.hpp"
#include "tests/distill/run_fixture.hpp"

using namespace lskd;

TEST_CASE("every eval-every epoch and the last are scored", "[distill][epoch_evaluation]") {
    std::vector<bool> every_3;
    for (std::int64_t e = 1; e <= 5; ++e) every_3.push_back(distill::is_scored_epoch(3, e, 5));
    CHECK(every_3 == std::vector<bool>{false, false, true, false, true});
    CHECK(distill::is_scored_epoch(1, 1, 5));
}

TEST_CASE("an epoch not scored is NaN and keeps nothing; a scored one is the split's score, its outputs kept if asked",
          "[distill][epoch_evaluation]") {
    const data::Dataset& d = testing::small_dataset();
    auto model = models::make_model("mlp", {28, 28, 1}, 10, 1, {{8}, 0.0});
    model->train();
    distill::EpochEvaluation evaluation(*model, d, nullptr);

    const distill::SplitScores skipped = evaluation.evaluate(false, true);
    CHECK(std::isnan(skipped.test.accuracy));
    CHECK(std::isnan(skipped.test.nll));
    CHECK(std::isnan(skipped.test.ece));
    CHECK(std::isnan(skipped.val_acc));
    CHECK(evaluation.test().labels.empty());

    const distill::SplitMetrics test = distill::score(distill::run_model(*model, d.test, d.normalization, 64, false));
    const distill::SplitMetrics val = distill::score(distill::run_model(*model, d.val, d.normalization, 64, false));
    const distill::SplitScores scored = evaluation.evaluate(true, false);
    CHECK(scored.test.accuracy == test.accuracy);
    CHECK(scored.test.nll == Approx(test.nll).epsilon(1e-6));
    CHECK(scored.val_acc == val.accuracy);
    CHECK(evaluation.test().labels.empty());
    CHECK(model->is_training());

    evaluation.evaluate(true, true);
    CHECK(evaluation.test().labels == d.test.labels);
    CHECK(evaluation.test().logits.shape() == Shape{300, 10});
    CHECK(evaluation.val().labels.size() == 200);
    CHECK_FALSE(evaluation.test().penultimate.defined());
}
