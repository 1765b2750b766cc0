#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "study/sequence_study.hpp"
#include "study/study.hpp"
#include "study/sweep_config.hpp"
#include "tests/study/study_fixture.hpp"

using namespace lskd;
using namespace lskd::study;

namespace {

// Two hundred CMU words, one short epoch per run: the whole protocol in seconds, not a regime.
const char* kTinyG2p = R"(
output: unused
dataset: cmudict
seeds: [1]
teacher: {model: transformer-tiny, alphas: [0, 0.1],
          recipe: {max-train: 200, val-size: 40, test-size: 40, epochs: 1, batch: 64, optimizer: adamw,
                   lr: 0.001, schedule: inverse-sqrt, warmup: 4, beam: 2, record-per-class: 5, threads: 1}}
student: {model: transformer-tiny, loss: muller, beta: 1,
          recipe: {max-train: 200, val-size: 40, test-size: 40, epochs: 1, batch: 64, optimizer: adamw,
                   lr: 0.001, schedule: inverse-sqrt, warmup: 4, beam: 2, record-per-class: 5, threads: 1}}
distill:
  - {teacher-alpha: [0.1], temperatures: [2]}
baselines: {alphas: [0]}
)";

std::string text_of(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("sequence study end to end", "[study][sequence][slow]") {
    const auto dir = testing::temp_dir("sequence_study");
    StudyOptions options;
    options.out = (dir / "g2p").string();
    options.quiet = true;
    const StudyResult first = run_study(parse_sweep_config(kTinyG2p, "tiny.yaml"), "tiny.yaml", options);
    CHECK(first.trained == 3);  // the α = 0 baseline is the α = 0 teacher: same model and recipe
    const std::string report = text_of(first.report);
    CHECK_THAT(report, Catch::Contains("lskd study on cmudict"));
    CHECK_THAT(report, Catch::Contains("| α | seeds | WER % | PER % | token NLL | NLL after TS | token ECE | ECE after "
                                       "TS | fitted T | WER % at fitted T |"));
    CHECK_THAT(report, Catch::Contains("## Claims"));
    CHECK_THAT(report, Catch::Contains("| G1 | "));
    CHECK_THAT(report, Catch::Contains("| S-seq | "));
    // Every teacher and student has its decoding analysis; the baseline is the teacher's run, not one of its own.
    for (const char* run : {"teacher_transformer-tiny_a0_s1", "student_transformer-tiny_from-a0.1_T2_muller_s1"})
        CHECK(std::filesystem::exists(dir / "g2p" / "runs" / run / "analyses" / "decoding.h5"));
    CHECK_FALSE(std::filesystem::exists(dir / "g2p" / "runs" / "baseline_transformer-tiny_a0_s1"));
    CHECK_THAT(report, Catch::Contains("| 0.1 | 1 | "));
    CHECK_THAT(report, Catch::Contains("| student | 0.1 | 0 | 2 | 1 | "));
    CHECK_THAT(report, Catch::Contains("| baseline | – | 0 | – | 1 | "));
    CHECK_THAT(report, Catch::Contains("target tokens aa,iy,uw"));
    CHECK_THAT(report, Catch::Contains("teacher_transformer-tiny_a0_s1"));
    CHECK_THAT(report, !Catch::Contains("Copy baseline ("));
    CHECK_THAT(report, !Catch::Contains("no activation records"));
    CHECK(std::filesystem::exists(dir / "g2p" / "summary.csv"));

    // A finished study trains nothing again and re-renders the same tables.
    const StudyResult again = run_study(parse_sweep_config(kTinyG2p, "tiny.yaml"), "tiny.yaml", options);
    CHECK(again.trained == 0);
    const std::string second = text_of(again.report);
    CHECK(second.substr(second.find("## Teachers")) == report.substr(report.find("## Teachers")));
}

TEST_CASE("sequence plane triples", "[study][sequence]") {
    CHECK(sequence_plane_triple("cmudict") == "aa,iy,uw");
    CHECK(sequence_plane_triple("gettext-de") == "▁der,▁die,▁das");
    CHECK(sequence_plane_triple("tsv") == "0,1,2");
}
