#include <cmath>
#include <cstdlib>
#include <filesystem>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "study/calibration_analysis.hpp"
#include "study/mi_analysis.hpp"
#include "study/projection_analysis.hpp"
#include "study/sweep_summary.hpp"
#include "tests/study/study_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;
using namespace lskd::study;
namespace fs = std::filesystem;

namespace {

// Debian's interpreter: the first python3 on PATH may lack h5py.
int plot(const std::string& args) {
    return std::system(
        fmt::format("/usr/bin/python3 {}/tools/plot/lskd_plot.py {} > /dev/null", LSKD_SOURCE_DIR, args).c_str());
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
    auto row = [](const char* role, const char* model, double alpha, double teacher_alpha, double t,
                  std::uint64_t seed, double gamma, double acc, double ece) {
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
        r.file = fmt::format("{}_{}.h5", role, alpha);
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

TEST_CASE("the plotting tool writes every figure from small run files and a summary", "[study][plot]") {
    const fs::path dir = temp_dir("plot_study");
    std::vector<std::string> runs;
    for (double alpha : {0.0, 0.1}) {
        const std::string path = (dir / fmt::format("teacher_a{}.h5", alpha)).string();
        fs::copy_file(trained_run(alpha), path);
        analyze_calibration(path);
        analyze_projection(path);
        analyze_projection(path, {"Trouser,Bag,Sneaker", ProjectionVariant::affine, "projection_2"});
        runs.push_back(path);
    }
    distill::RunConfig c = small_run_config((dir / "teacher_mi.h5").string());
    c.mi_every = 1;
    c.mi_examples = 100;
    c.mi_early = 2;  // the figure starts from the early points
    c.mi_classes = "Trouser,Bag;T-shirt/top,Shirt";  // two panels
    c.smoothing = 0.2;
    distill::TrainHooks hooks;
    hooks.epoch_metrics = mi_epoch_metrics(c, small_dataset());
    distill::train(c, small_dataset(), quiet(), hooks);
    write_small_summary(dir.string());

    const fs::path out = temp_dir("plots");
    CHECK(plot(fmt::format("reliability {} {} --out {}", runs[0], runs[1], out.string())) == 0);
    check_png(out / "reliability_teacher_a0.png");
    check_png(out / "reliability_teacher_a0.1.png");
    check_png(out / "reliability_by_alpha.png");
    CHECK(plot(fmt::format("projection {} {} --out {}", runs[0], runs[1], out.string())) == 0);
    check_png(out / "projection_T-shirt-top_Shirt_Pullover.png");
    CHECK(plot(fmt::format("mi {} {} --out {} 2> /dev/null", runs[0], c.output, out.string())) != 0);  // no /metrics/mi in runs[0]
    CHECK(plot(fmt::format("mi {} --out {}", c.output, out.string())) == 0);
    check_png(out / "mi_by_epoch.png");
    CHECK(plot(fmt::format("summary {} --out {}", (dir / "summary.h5").string(), out.string())) == 0);
    check_png(out / "figure5_accuracy_vs_gamma.png");
    check_png(out / "teacher_ece_vs_alpha.png");

    const fs::path study = temp_dir("plots_study");
    CHECK(plot(fmt::format("study {} --out {}", dir.string(), study.string())) == 0);
    check_png(study / "mlp_fashion-mnist_trained" / "reliability_by_alpha.png");
    check_png(study / "mlp_fashion-mnist_trained" / "projection_T-shirt-top_Shirt_Pullover_a0.1.png");
    check_png(study / "mlp_fashion-mnist_trained" / "projection_Trouser_Bag_Sneaker_a0.1.png");  // projection_2
    check_png(study / "mlp_fashion-mnist_trained" / "mi_by_epoch.png");
    check_png(study / "figure5_accuracy_vs_gamma.png");

    // A run without the analysis a figure needs is an error, not an empty figure.
    const std::string bare = run_copy("plot_bare.h5");
    CHECK(plot(fmt::format("reliability {} --out {} 2> /dev/null", bare, out.string())) != 0);
}
