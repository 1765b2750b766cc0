// The sequence claims (G1–G5, S-seq) on made-up teacher and student rows built to give each verdict. Teachers at
// α ∈ {0, 0.1}, seeds 1–3; a seed's jitter is (seed − 2)·spread, so a group's mean is its value without jitter.
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "study/claims_sequences.hpp"

using namespace lskd;
using study::Verdict;

namespace {

double jitter(std::uint64_t seed, double spread) { return (static_cast<double>(seed) - 2.0) * spread; }

// A neutral teacher: every number equal across α, so no claim has an effect until a case edits it. The sweep runs
// over T ∈ {0.8, 1, 1.2, 1.4} with WER 0.3 everywhere, ECE and NLL lowest at T = 1.
study::SequenceTeacherRow neutral_teacher(double alpha, std::uint64_t seed) {
    study::SequenceTeacherRow t;
    t.alpha = alpha;
    t.seed = seed;
    t.run = "teacher";
    t.test_nll = 1.0;
    t.test_ece = 0.05;
    study::DecodingAnalysis& d = t.decoding;
    d.score_name = "wer";
    d.second_name = "per";
    for (double temperature : {0.8, 1.0, 1.2, 1.4}) {
        const double off = std::fabs(temperature - 1.0);
        d.sweep.push_back({temperature, 1.0 + off, 0.05 + off, 0.3, 0.1});
    }
    d.fitted_temperature = 1.1;
    d.ece_before = 0.05;
    d.ece_after = 0.02;
    d.nll_before = 1.0;
    d.nll_after = 0.98;
    d.score_at_fitted = 0.3;
    d.second_at_fitted = 0.1;
    return t;
}

using Edit = std::function<void(study::SequenceTeacherRow&)>;

std::vector<study::SequenceTeacherRow> teachers(const Edit& edit, std::vector<std::uint64_t> seeds = {1, 2, 3}) {
    std::vector<study::SequenceTeacherRow> rows;
    for (std::uint64_t seed : seeds)
        for (double a : {0.0, 0.1}) {
            rows.push_back(neutral_teacher(a, seed));
            edit(rows.back());
        }
    return rows;
}

// Students of both teachers at T ∈ {1, 2}; `ls_score` gives the α = 0.1 teacher's students' score by seed.
std::vector<study::SequenceStudentRow> students(const std::function<double(std::uint64_t)>& ls_score,
                                                bool with_ls = true) {
    std::vector<study::SequenceStudentRow> rows;
    for (std::uint64_t seed : {1, 2, 3})
        for (double t : {1.0, 2.0})
            for (double a : {0.0, 0.1}) {
                if (a > 0 && !with_ls) continue;
                study::SequenceStudentRow s;
                s.teacher_alpha = a;
                s.temperature = t;
                s.seed = seed;
                s.score = a > 0 ? ls_score(seed) : 0.3;
                rows.push_back(s);
            }
    study::SequenceStudentRow baseline;  // never compared
    baseline.baseline = true;
    baseline.teacher_alpha = baseline.temperature = std::nan("");
    baseline.seed = 1;
    baseline.score = 0.0;
    rows.push_back(baseline);
    return rows;
}

study::Claim claim(const std::string& id, const std::vector<study::SequenceTeacherRow>& t,
                   const std::vector<study::SequenceStudentRow>& s = {}) {
    for (const study::Claim& c : study::sequence_claims(t, s))
        if (c.id == id) return c;
    FAIL("no claim " << id);
    return {};
}

Verdict verdict(const std::string& id, const Edit& edit) { return claim(id, teachers(edit)).verdict; }

}  // namespace

TEST_CASE("sequence claims come in order", "[claims][sequence]") {
    const auto claims = study::sequence_claims(teachers([](auto&) {}), {});
    REQUIRE(claims.size() == 6);
    const std::vector<std::string> ids = {"G1", "G2", "G3", "G4", "G5", "S-seq"};
    for (std::size_t i = 0; i < ids.size(); ++i) CHECK(claims[i].id == ids[i]);
}

TEST_CASE("G1 on made-up rows", "[claims][sequence]") {
    const study::Claim worse = claim("G1", teachers([](auto& t) {
                                         if (t.alpha > 0) t.test_nll = 1.1 + jitter(t.seed, 0.01);
                                     }));
    CHECK(worse.verdict == Verdict::supported);
    // d_s = 0.09, 0.10, 0.11: mean 0.100, s = 0.01, t(2) = 4.303 → ±0.0248.
    CHECK_THAT(worse.numbers, Catch::Contains("d̄ = +0.100 [+0.075, +0.125] (paired t, 3 seeds)"));
    CHECK(verdict("G1", [](auto& t) {
              if (t.alpha > 0) t.test_nll = 0.9;
          }) == Verdict::not_supported);
    CHECK(verdict("G1", [](auto& t) {
              if (t.alpha > 0) t.test_nll = 1.0 + jitter(t.seed, 0.1);
          }) == Verdict::undecided);
    const study::Claim hard_only = claim("G1", teachers([](auto& t) { t.alpha = 0; }));
    CHECK(hard_only.verdict == Verdict::undecided);
    CHECK_THAT(hard_only.runs, Catch::Contains("needs sequence teachers at α = 0 and α > 0"));
}

TEST_CASE("G2 on made-up rows", "[claims][sequence]") {
    const auto wer_at_one = [](double wer) {
        return [wer](study::SequenceTeacherRow& t) {
            if (t.alpha > 0) t.decoding.sweep[1].score = wer + jitter(t.seed, 0.001);
        };
    };
    const study::Claim better = claim("G2", teachers(wer_at_one(0.25)));
    CHECK(better.verdict == Verdict::supported);
    CHECK_THAT(better.numbers, Catch::Contains("WER improvement of α = 0.1 over α = 0 at T = 1: d̄ = +5.00 pts"));
    CHECK(verdict("G2", wer_at_one(0.35)) == Verdict::not_supported);
    CHECK(verdict("G2", [](auto& t) {
              if (t.alpha > 0) t.decoding.sweep[1].score = 0.3 + jitter(t.seed, 0.05);
          }) == Verdict::undecided);
    // BLEU rises as decodes improve.
    const auto bleu = [](double ls) {
        return [ls](study::SequenceTeacherRow& t) {
            t.decoding.score_name = "bleu";
            t.decoding.sweep[1].score = t.alpha > 0 ? ls : 28.0;
        };
    };
    CHECK(verdict("G2", bleu(30)) == Verdict::supported);
    CHECK(verdict("G2", bleu(26)) == Verdict::not_supported);
    // 0.1 BLEU on every seed: precisely below BLEU's minimum effect of 0.2, which the equivalence test calls
    // negligible.
    CHECK(verdict("G2", bleu(28.1)) == Verdict::negligible);
}

TEST_CASE("G3 on made-up rows", "[claims][sequence]") {
    const auto ls_ece = [](double ece) {
        return [ece](study::SequenceTeacherRow& t) {
            if (t.alpha > 0) t.test_ece = ece + jitter(t.seed, 0.001);
        };
    };
    const study::Claim near_ts = claim("G3", teachers(ls_ece(0.025)));
    CHECK(near_ts.verdict == Verdict::supported);
    // ECE(0) − ECE(0.1) = 0.025; 0.02 − |0.025 − 0.02| = 0.015, the jitter cancelling in the mean of |·|.
    CHECK_THAT(near_ts.numbers, Catch::Contains("ECE(α = 0) − ECE(α = 0.1): d̄ = +0.025"));
    CHECK_THAT(near_ts.numbers, Catch::Contains("0.02 − |ECE(α = 0.1) − ECE_TS(α = 0)|: d̄ = +0.015"));
    CHECK(verdict("G3", ls_ece(0.08)) == Verdict::not_supported);
    // Lower by 0.035, 0.015, −0.005 and 0.015, 0.005, −0.015 from the TS ECE: both intervals straddle 0.
    CHECK(verdict("G3", [](auto& t) {
              if (t.alpha > 0) t.test_ece = 0.035 + jitter(t.seed, 0.02);
          }) == Verdict::undecided);
    // Lower, but far below what temperature scaling gives the α = 0 teacher.
    CHECK(verdict("G3", [](auto& t) {
              if (t.alpha > 0) t.test_ece = 0.03;
              if (t.alpha == 0) t.decoding.ece_after = 0.0;
          }) == Verdict::not_supported);
}

TEST_CASE("G4 on made-up rows", "[claims][sequence]") {
    const auto rows = [](double ls_wer, double ts_wer) {
        return teachers([=](study::SequenceTeacherRow& t) {
            if (t.alpha > 0) t.decoding.sweep[1].score = ls_wer;
            if (t.alpha == 0) t.decoding.score_at_fitted = ts_wer + jitter(t.seed, 0.002);
        });
    };
    const study::Claim kept = claim("G4", rows(0.25, 0.29));
    CHECK(kept.verdict == Verdict::supported);
    CHECK_THAT(kept.numbers, Catch::Contains("d̄ = +4.00 pts"));
    CHECK(claim("G4", rows(0.25, 0.2)).verdict == Verdict::not_supported);
    CHECK(claim("G4", rows(0.25, 0.251)).verdict == Verdict::undecided);
}

TEST_CASE("G5 on made-up rows", "[claims][sequence]") {
    // Best WER at T = 1.2 (index 2); ECE lowest there, NLL at T = 1 (the neutral sweep): gain |1 − 1.2| − 0 = 0.2.
    const auto best_at_12 = [](bool ece_there) {
        return [ece_there](study::SequenceTeacherRow& t) {
            t.decoding.sweep[2].score = 0.2 + jitter(t.seed, 0.001);
            if (ece_there) t.decoding.sweep[2].ece = 0.0;
            if (t.seed == 3) t.decoding.sweep[3].score = 0.2 + jitter(t.seed, 0.001);  // tie: the lower T wins
        };
    };
    const study::Claim ece_wins = claim("G5", teachers(best_at_12(true)));
    CHECK(ece_wins.verdict == Verdict::supported);
    CHECK_THAT(ece_wins.numbers, Catch::Contains("d̄ = +0.200"));
    // Both minima at T = 1: no gain, an interval of zero width at 0 → inside ±0.05, negligible.
    CHECK(verdict("G5", best_at_12(false)) == Verdict::negligible);
    // NLL lowest at the best T, ECE at 0.8.
    CHECK(verdict("G5", [](auto& t) {
              t.decoding.sweep[0].ece = 0.0;
              t.decoding.sweep[1].score = 0.2 + jitter(t.seed, 0.001);
          }) == Verdict::not_supported);
    const study::Claim one_seed = claim("G5", teachers(best_at_12(true), {1}));
    CHECK(one_seed.verdict == Verdict::undecided);
    CHECK_THAT(one_seed.numbers, Catch::Contains("one seed: no interval"));
}

TEST_CASE("S-seq on made-up rows", "[claims][sequence]") {
    const auto t = teachers([](auto&) {});
    const study::Claim better = claim("S-seq", t, students([](std::uint64_t s) { return 0.25 + jitter(s, 0.002); }));
    CHECK(better.verdict == Verdict::supported);
    CHECK_THAT(better.numbers, Catch::Contains("averaged over T ∈ {1, 2}: d̄ = +5.00 pts"));
    CHECK_THAT(better.numbers, Catch::Contains("T = 2: d̄ = +5.00 pts"));
    CHECK(claim("S-seq", t, students([](std::uint64_t) { return 0.35; })).verdict == Verdict::not_supported);
    CHECK(claim("S-seq", t, students([](std::uint64_t s) { return 0.3 + jitter(s, 0.05); })).verdict ==
          Verdict::undecided);
    const study::Claim missing = claim("S-seq", t, students([](std::uint64_t) { return 0.2; }, false));
    CHECK(missing.verdict == Verdict::undecided);
    CHECK_THAT(missing.runs, Catch::Contains("needs KD students"));
}
