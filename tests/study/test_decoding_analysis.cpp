// The decoding analysis on a tiny trained sequence run (the reversal corpus of tests/distill/sequence_fixture.hpp,
// transformer-tiny, one epoch): its T = 1 point is the run's own last-epoch scores, the other temperatures' token
// scores are the stored logits / T, the fit is token temperature scaling's on the validation tokens, and the file is
// reused.
#include <cmath>
#include <filesystem>

#include <catch2/catch.hpp>

#include "analysis/token_calibration.hpp"
#include "distill/checkpoint.hpp"
#include "distill/run_directory.hpp"
#include "distill/sequence_run.hpp"
#include "distill/split_outputs_file.hpp"
#include "framework/core/error.hpp"
#include "framework/data/vocabulary.hpp"
#include "framework/tensor/eigen_view.hpp"
#include "study/decoding_analysis.hpp"
#include "tests/distill/sequence_fixture.hpp"
#include "tests/study/study_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;
namespace fs = std::filesystem;

namespace {

// One epoch of transformer-tiny at α = 0.1 on the distill tests' reversal corpus, beam 3.
const std::string& trained_sequence_run() {
    static const std::string path = [] {
        distill::RunConfig c = sequence_config(reversal_corpus("decoding_data", 400), temp_path("decoding_run"));
        c.epochs = 1;
        c.smoothing = 0.1;
        c.beam = 3;
        distill::train_sequences(c, distill::load_sequence_run_dataset(c), quiet());
        return c.output;
    }();
    return path;
}

std::string sequence_copy(const std::string& name) {
    const fs::path path = temp_dir(name);
    fs::remove_all(path);
    fs::copy(trained_sequence_run(), path, fs::copy_options::recursive);
    return path.string();
}

analysis::TokenCalibration stored_tokens(const std::string& run, const std::string& split, double t) {
    const distill::RunHeader h = distill::read_run_header(run);
    const distill::StoredOutputs o =
        distill::read_split_outputs(distill::RunDirectory(run).outputs(split), h.num_classes, false);
    const std::vector<int> gold(o.outputs.labels.begin(), o.outputs.labels.end());
    return analysis::token_calibration(as_matrix(o.outputs.logits), gold, data::kEosId, t);
}

}  // namespace

TEST_CASE("decoding analysis of a tiny run", "[study][decoding]") {
    const std::string run = sequence_copy("decoding_tiny");
    const study::DecodingAnalysis a = study::decoding_analysis(run, {0.9, 1.0, 1.2}, false);
    const distill::RunHeader h = distill::read_run_header(run);
    const auto last = [&](const char* name) { return h.metrics.at(name).back(); };

    CHECK(a.score_name == "bleu");
    CHECK(a.second_name == "chrf");
    REQUIRE(a.sweep.size() == 3);
    // T = 1 repeats the run's own last epoch: the same logits, the same beam search.
    CHECK(a.sweep[1].nll == last("test_nll"));
    CHECK(a.sweep[1].ece == last("test_ece"));
    CHECK(a.sweep[1].score == Approx(last("test_bleu")).margin(1e-9));
    CHECK(a.sweep[1].second == Approx(last("test_chrf")).margin(1e-9));
    // Other temperatures: the stored logits divided by T.
    const analysis::TokenCalibration hot = stored_tokens(run, "test", 1.2);
    CHECK(a.sweep[2].temperature == 1.2);
    CHECK(a.sweep[2].nll == *hot.nll);
    CHECK(a.sweep[2].ece == hot.ece);
    for (const auto& p : a.sweep) {
        CHECK(p.score >= 0);
        CHECK(p.score <= 100);
    }
    // Temperature scaling: NLL on the validation tokens is lowest at the fitted T, and test ECE/NLL are at it.
    const double fitted = a.fitted_temperature;
    CHECK(*stored_tokens(run, "val", fitted).nll <= *stored_tokens(run, "val", fitted * 1.05).nll);
    CHECK(*stored_tokens(run, "val", fitted).nll <= *stored_tokens(run, "val", fitted / 1.05).nll);
    CHECK(a.ece_before == last("test_ece"));
    CHECK(a.nll_before == last("test_nll"));
    CHECK(a.ece_after == stored_tokens(run, "test", fitted).ece);
    CHECK(a.nll_after == *stored_tokens(run, "test", fitted).nll);
    CHECK(a.score_at_fitted >= 0);

    // Read back whole; a second call with the same grid reuses the file, another grid or force recomputes it.
    const study::DecodingAnalysis b = study::read_decoding_analysis(run);
    REQUIRE(b.sweep.size() == 3);
    CHECK(b.sweep[2].score == a.sweep[2].score);
    CHECK(b.fitted_temperature == a.fitted_temperature);
    CHECK(b.score_at_fitted == a.score_at_fitted);
    CHECK(b.score_name == "bleu");
    const std::string file = distill::RunDirectory(run).analysis("decoding");
    const auto written = fs::last_write_time(file);
    fs::last_write_time(file, written - std::chrono::hours(1));
    study::decoding_analysis(run, {0.9, 1.0, 1.2}, false);
    CHECK(fs::last_write_time(file) == written - std::chrono::hours(1));
    CHECK(study::decoding_analysis(run, {1.0}, false).sweep.size() == 1);
    CHECK(fs::last_write_time(file) > written - std::chrono::hours(1));
    CHECK(study::read_decoding_analysis(run).sweep.size() == 1);
    CHECK(study::decoding_analysis(run, {1.0}, true).sweep[0].nll == last("test_nll"));
}

TEST_CASE("decoding analysis refuses bad input", "[study][decoding]") {
    const std::string run = sequence_copy("decoding_bad");
    CHECK_THROWS_WITH(study::decoding_analysis(run, {0.0}, false),
                      Catch::Contains(run) && Catch::Contains("temperature 0 is not in (0, 100]"));
    CHECK_THROWS_WITH(study::decoding_analysis(run, {}, false), Catch::Contains("at least one temperature"));
    CHECK_THROWS_WITH(study::read_decoding_analysis(run), Catch::Contains("no decoding analysis"));
    fs::remove(distill::RunDirectory(run).outputs("val"));
    CHECK_THROWS_WITH(study::decoding_analysis(run, {1.0}, false), Catch::Contains("val"));
    CHECK_FALSE(fs::exists(distill::RunDirectory(run).analysis("decoding")));
    CHECK_THROWS_WITH(study::decoding_analysis(temp_path("decoding_missing"), {1.0}, false),
                      Catch::Contains("decoding_missing"));
    // An image run is not a sequence run.
    const std::string image = run_copy("decoding_image");
    CHECK_THROWS_WITH(study::decoding_analysis(image, {1.0}, false), Catch::Contains("not a sequence run"));
}
