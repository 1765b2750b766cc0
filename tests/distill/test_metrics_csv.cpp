// RUN/metrics.csv: the checkpoint's /metrics as a table, one row per epoch, equal to the checkpoint after a run and
// after an interrupted run is resumed.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "distill/metrics_csv.hpp"
#include "tests/distill/run_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The run file's /metrics as the CSV must hold them: "epoch" first, the rest in name order, NaN empty.
std::string expected_csv(const std::string& run) {
    const auto metrics = distill::load_run(run).metrics;
    std::vector<std::string> names{"epoch"};
    for (const auto& [name, values] : metrics)
        if (name != "epoch") names.push_back(name);
    std::string csv = fmt::format("{}\n", fmt::join(names, ","));
    for (std::size_t row = 0; row < metrics.at("epoch").size(); ++row) {
        std::vector<std::string> cells;
        for (const auto& name : names) {
            const double v = metrics.at(name).at(row);
            cells.push_back(std::isnan(v) ? "" : fmt::format("{}", v));
        }
        csv += fmt::format("{}\n", fmt::join(cells, ","));
    }
    return csv;
}

std::size_t rows(const std::string& csv) {
    return static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')) - 1;
}

}  // namespace

TEST_CASE("the metrics table has the epoch first, one row per epoch and empty cells for NaN",
          "[distill][metrics_csv]") {
    const std::string run = temp_path("table");
    std::filesystem::create_directories(run);
    CHECK(distill::metrics_csv_path(run) == run + "/metrics.csv");
    distill::write_metrics_csv(run, {{"lr", {0.1, 0.05}}, {"epoch", {1, 2}}, {"test_acc", {std::nan(""), 0.5}}});
    CHECK(read_text(run + "/metrics.csv") == "epoch,lr,test_acc\n1,0.1,\n2,0.05,0.5\n");
    distill::write_metrics_csv(run, {{"epoch", {1}}, {"lr", {0.1}}});  // rewritten whole, never appended to
    CHECK(read_text(run + "/metrics.csv") == "epoch,lr\n1,0.1\n");
}

TEST_CASE("metrics.csv holds the checkpoint's /metrics after a run and after a resumed one", "[distill][metrics_csv]") {
    distill::RunConfig config = small_run_config(temp_path("curves"));
    config.epochs = 2;
    config.eval_every = 2;  // NaN test metrics on the first epoch
    distill::train(config, small_dataset(), quiet());
    const std::string csv = read_text(distill::metrics_csv_path(config.output));
    CHECK(rows(csv) == 2);
    CHECK(csv == expected_csv(config.output));
    CHECK(csv.find("\n1,") != std::string::npos);

    // Killed in its third epoch, after two were written; resumed to the end: three rows, none twice.
    config.output = temp_path("curves_resumed");
    config.epochs = 3;
    config.eval_every = 1;
    distill::TrainHooks crash;
    crash.epoch_metrics["probe"] = [](models::Classifier&, const data::Dataset&,
                                      std::int64_t epoch) -> std::optional<double> {
        if (epoch == 3) throw std::runtime_error("killed");
        return static_cast<double>(epoch);
    };
    CHECK_THROWS_WITH(distill::train(config, small_dataset(), quiet(), crash), "killed");
    CHECK(rows(read_text(distill::metrics_csv_path(config.output))) == 2);
    distill::TrainOptions resume = quiet();
    resume.resume = true;
    distill::TrainHooks same;
    same.epoch_metrics["probe"] = [](models::Classifier&, const data::Dataset&, std::int64_t epoch) {
        return std::optional<double>(static_cast<double>(epoch));
    };
    distill::train(config, small_dataset(), resume, same);
    const std::string resumed = read_text(distill::metrics_csv_path(config.output));
    CHECK(rows(resumed) == 3);
    CHECK(resumed == expected_csv(config.output));
    CHECK(distill::load_run(config.output).metrics.at("probe") == std::vector<double>{1, 2, 3});
}
