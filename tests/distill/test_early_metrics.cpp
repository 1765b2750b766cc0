#include <cmath>
#include <optional>
#include <vector>

#include <catch2/catch.hpp>

#include "distill/early_metrics.hpp"
#include "models/model_registry.hpp"
#include "tests/distill/run_fixture.hpp"

using namespace lskd;
using Steps = std::vector<std::int64_t>;

TEST_CASE("early steps are spread evenly through the epoch, rounded half up, each once and none at its end",
          "[distill][early_metrics]") {
    // k·10/4 for k = 1, 2, 3: 2.5, 5, 7.5.
    CHECK(distill::early_steps(10, 3) == Steps{3, 5, 8});
    // k·3/6 for k = 1..5: 0.5, 1, 1.5, 2, 2.5 round to 1, 1, 2, 2, 3; the repeats and the epoch's end drop out.
    CHECK(distill::early_steps(3, 5) == Steps{1, 2});
    CHECK(distill::early_steps(4, 1) == Steps{2});
    CHECK(distill::early_steps(1, 3).empty());
    CHECK(distill::early_steps(10, 0).empty());
}

TEST_CASE("epoch metrics are measured in evaluation mode, NaN where one skips, early ones beside their epoch",
          "[distill][early_metrics]") {
    const data::Dataset& dataset = testing::small_dataset();
    auto model = models::make_model("mlp", {28, 28, 1}, 10, 1, {{8}, 0.0});
    model->train();
    std::vector<std::int64_t> epochs;
    std::map<std::string, distill::EpochMetric> metrics;
    metrics["at"] = [&epochs](models::Classifier& m, const data::Dataset&, std::int64_t epoch) {
        epochs.push_back(epoch);
        return m.is_training() ? std::optional<double>(-1.0) : std::optional<double>(static_cast<double>(epoch));
    };
    metrics["skips"] = [](models::Classifier&, const data::Dataset&, std::int64_t) { return std::optional<double>(); };
    distill::EpochMetrics measured(metrics, *model, dataset);
    REQUIRE_FALSE(measured.empty());

    const std::map<std::string, double> after_3 = measured.measure(3);
    CHECK(after_3.at("at") == 3.0);
    CHECK(std::isnan(after_3.at("skips")));
    CHECK(model->is_training());

    std::map<std::string, std::vector<double>> early;
    measured.measure_early(5, 10, early);
    CHECK(early.at("epoch") == std::vector<double>{0.5});
    CHECK(early.at("at") == std::vector<double>{0.0});
    REQUIRE(early.at("skips").size() == 1);
    CHECK(std::isnan(early.at("skips")[0]));
    CHECK(epochs == std::vector<std::int64_t>{3, 0});
    CHECK(model->is_training());
}
