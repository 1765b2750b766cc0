#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "distill/run_directory.hpp"
#include "framework/io/atomic_file.hpp"
#include "study/calibration_analysis.hpp"
#include "study/claims_sequences.hpp"
#include "study/plots.hpp"
#include "study/projection_analysis.hpp"
#include "study/sweep_summary.hpp"
#include "tests/study/study_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;
using namespace lskd::study;
namespace fs = std::filesystem;

namespace {

int plot(const std::vector<std::string>& args) {
    return run_plot_tool(default_plot_script(), args, temp_path("plot_tool.log"));
}

void check_png(const fs::path& path) {
    INFO(path.string());
    REQUIRE(fs::exists(path));
    CHECK(fs::file_size(path) > 1024);
    const auto bytes = file_bytes(path.string());
    const std::string signature = "\x89PNG\r\n\x1a\n";
    CHECK(std::string(bytes.begin(), bytes.begin() + 8) == signature);
}

// A summary.h5 from the sweep's own writer: teachers at α = 0, 0.1 (two seeds), baselines, students of the
// α = 0 teacher at T = 1, 4 and of the α = 0.1 teacher at T = 1.
void write_small_summary(const std::string& dir) {
    const double nan = std::nan("");
    auto row = [](const char* role, const char* model, double alpha, double teacher_alpha, double t, std::uint64_t seed,
                  double gamma, double acc, double ece) {
        study::SummaryRow r;
        r.role = role;
        r.model = model;
        r.alpha = alpha;
        r.teacher_alpha = teacher_alpha;
        r.temperature = t;
        r.beta = std::isnan(t) ? t : 1.0;
        r.loss = std::isnan(t) ? "" : "muller";
        r.seed = seed;
        r.gamma = gamma;
        r.test_acc = acc;
        r.test_nll = 0.4;
        r.test_ece = ece;
        r.file = fmt::format("{}_{}", role, alpha);
        return r;
    };
    study::write_summary(dir, {row("teacher", "mlp-1200", 0, nan, nan, 1, 0, 0.88, 0.05),
                               row("teacher", "mlp-1200", 0.1, nan, nan, 1, 0.1, 0.89, 0.02),
                               row("teacher", "mlp-1200", 0.1, nan, nan, 2, 0.1, 0.885, 0.025),
                               row("baseline", "mlp-800", 0, nan, nan, 1, 0, 0.86, 0.04),
                               row("baseline", "mlp-800", 0.1, nan, nan, 1, 0.1, 0.855, 0.03),
                               row("student", "mlp-800", 0, 0, 1, 1, 0.02, 0.87, 0.03),
                               row("student", "mlp-800", 0, 0, 4, 1, 0.3, 0.875, 0.02),
                               row("student", "mlp-800", 0, 0.1, 1, 1, 0.1, 0.865, 0.04)});
}

}  // namespace

TEST_CASE("the plotting tool writes every figure from small run directories and a summary", "[study][plot]") {
    const fs::path dir = temp_dir("plot_study");
    std::vector<std::string> runs;
    for (double alpha : {0.0, 0.1}) {
        const std::string path = (dir / fmt::format("teacher_a{}", alpha)).string();
        fs::copy(trained_run(alpha), path, fs::copy_options::recursive);
        analyze_calibration(path);
        analyze_projection(path);
        analyze_projection(path, {"Trouser,Bag,Sneaker", ProjectionVariant::affine, "projection_2"});
        runs.push_back(path);
    }
    distill::RunConfig c = small_run_config((dir / "teacher_mi").string());
    c.mi_every = 1;
    c.mi_examples = 100;
    c.mi_early = 2;                                  // the figure starts from the early points
    c.mi_classes = "Trouser,Bag;T-shirt/top,Shirt";  // two panels
    c.smoothing = 0.2;
    distill::train(c, small_dataset(), quiet());
    write_small_summary(dir.string());

    const fs::path out = temp_dir("plots");
    CHECK(plot({"reliability", runs[0], runs[1], "--out", out.string()}) == 0);
    check_png(out / "reliability_teacher_a0.png");
    check_png(out / "reliability_teacher_a0.1.png");
    check_png(out / "reliability_by_alpha.png");
    CHECK(plot({"projection", runs[0], runs[1], "--out", out.string()}) == 0);
    check_png(out / "projection_T-shirt-top_Shirt_Pullover.png");
    CHECK(plot({"mi", runs[0], c.output, "--out", out.string()}) != 0);  // no /metrics/mi in runs[0]
    CHECK(plot({"mi", c.output, "--out", out.string()}) == 0);
    check_png(out / "mi_by_epoch.png");
    CHECK(plot({"summary", (dir / "summary.h5").string(), "--out", out.string()}) == 0);
    check_png(out / "figure5_accuracy_vs_gamma.png");
    check_png(out / "teacher_ece_vs_alpha.png");

    // As lskd study runs it: every figure of the directory into <dir>/plots, named relative to the directory.
    const std::vector<std::string> figures = render_plots(dir.string(), "");
    CHECK(std::is_sorted(figures.begin(), figures.end()));
    for (const std::string name :
         {"plots/mlp_fashion-mnist_trained/reliability_by_alpha.png",
          "plots/mlp_fashion-mnist_trained/projection_T-shirt-top_Shirt_Pullover_a0.1.png",
          "plots/mlp_fashion-mnist_trained/projection_Trouser_Bag_Sneaker_a0.1.png",
          "plots/mlp_fashion-mnist_trained/mi_by_epoch.png", "plots/figure5_accuracy_vs_gamma.png"}) {
        CHECK(std::count(figures.begin(), figures.end(), name) == 1);
        check_png(dir / name);
    }

    // A run without the analysis a figure needs is an error, not an empty figure.
    const std::string bare = run_copy("plot_bare");
    CHECK(plot({"reliability", bare, "--out", out.string()}) != 0);

    // A projection made before validation was projected cannot give the train and validation rows.
    const std::string old = run_copy("plot_old_projection");
    analyze_projection(old);
    io::update_atomic(distill::RunDirectory(old).analysis("projection"), [](io::H5File& f) { f.remove("/val"); });
    const std::string log = temp_path("plot_old_projection.log");
    CHECK(run_plot_tool(default_plot_script(), {"projection", old, runs[1], "--out", out.string()}, log) != 0);
    const auto said = file_bytes(log);
    CHECK(std::string(said.begin(), said.end()).find(old + ": analyses/projection.h5 has no validation projection") !=
          std::string::npos);

    // A run file of an earlier lskd is named with the command that converts it.
    const std::string legacy = temp_path("plot_legacy.h5");
    io::H5File::create(legacy).set_attr("/", "format", "lskd-run/2");
    const std::string legacy_log = temp_path("plot_legacy.log");
    CHECK(run_plot_tool(default_plot_script(), {"reliability", legacy, "--out", out.string()}, legacy_log) != 0);
    const auto legacy_said = file_bytes(legacy_log);
    CHECK(std::string(legacy_said.begin(), legacy_said.end()).find("lskd convert-run " + legacy) != std::string::npos);
}

TEST_CASE("a missing or failing plotting tool leaves a study without figures and names the script", "[study][plot]") {
    const fs::path dir = temp_dir("plots_failing");
    const std::string missing = (dir / "no_such_tool.py").string();
    CHECK_THROWS_WITH(run_plot_tool(missing, {"study", dir.string()}, (dir / "log").string()),
                      Catch::Contains(missing) && Catch::Contains("does not exist"));
    CHECK(render_plots(dir.string(), missing).empty());

    const std::string failing = (dir / "failing_tool.py").string();
    std::ofstream(failing) << "import sys\nprint('no figures today')\nsys.exit(3)\n";
    CHECK(run_plot_tool(failing, {}, (dir / "log").string()) == 3);
    CHECK(render_plots(dir.string(), failing).empty());
    const std::vector<char> log = file_bytes((dir / "logs" / "plots.log").string());
    CHECK(std::string(log.begin(), log.end()) == "no figures today\n");
}

TEST_CASE("figure4 from made-up sequence teachers", "[study][plot]") {
    const fs::path dir = temp_dir("plot_figure4");
    std::vector<study::SequenceTeacherRow> teachers;
    for (double alpha : {0.0, 0.1})
        for (std::uint64_t seed : {1, 2}) {
            study::SequenceTeacherRow t;
            t.alpha = alpha;
            t.seed = seed;
            t.decoding.score_name = "wer";
            t.decoding.second_name = "per";
            for (double temperature : {0.8, 1.0, 1.2})
                t.decoding.sweep.push_back({temperature, 1.0 + alpha + 0.1 * temperature, 0.05 - alpha / 4,
                                            0.3 - alpha / 10 + 0.01 * static_cast<double>(seed), 0.1});
            teachers.push_back(t);
        }
    CHECK(write_decoding_plot(dir.string(), teachers) == "plots/figure4.png");
    check_png(dir / "plots" / "figure4.png");
    io::H5File table = io::H5File::open_read((dir / "decoding.h5").string());
    CHECK(table.read<double>("/temperature").values.size() == 12);
    CHECK(table.attr_string("/", "score_name") == "wer");
    // The study command of the tool draws it from the same table.
    fs::remove(dir / "plots" / "figure4.png");
    const std::vector<std::string> figures = render_plots(dir.string(), "");
    CHECK(std::count(figures.begin(), figures.end(), "plots/figure4.png") == 1);
    // No sweep to plot: no figure, no crash.
    const fs::path empty = temp_dir("plot_figure4_empty");
    CHECK(write_decoding_plot(empty.string(), {}).empty());
    CHECK_FALSE(fs::exists(empty / "plots" / "figure4.png"));
}
