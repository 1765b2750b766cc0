// The decision rule of docs/method.md §13 and the seed-wise comparisons the claim rules are built from: per-seed
// values of two configurations, their paired t interval (the binomial interval for one seed of accuracies), and
// the verdict for each kind of prediction with its stated minimum effect, and the 90 % interval of the equivalence
// test behind "negligible".
#pragma once
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "analysis/statistics.hpp"
#include "study/claims.hpp"

namespace lskd::study {

// A quantity compared by claims: how it is printed and the minimum effect a "supported" needs.
struct Quantity {
    const char* name;
    double min_effect;
    double scale = 1;  // printed as value × scale
    const char* unit = "";
};
// Minimum effects (docs/method.md §13): 0.2 accuracy points; the others are lskd's, stated in the report.
inline constexpr Quantity kAccuracy{"accuracy", 0.002, 100, " pts"};
inline constexpr Quantity kEce{"ECE", 0.01};
inline constexpr Quantity kTemperature{"fitted T", 0.05};
inline constexpr Quantity kGapSpread{"logit-gap std", 0.5};
inline constexpr Quantity kGapDeviation{"relative deviation from Δ(α)", 0.0};
inline constexpr Quantity kMi{"Î (nats)", 0.05};
// Scale-free quantities are compared as log ratios (issue 25): a 10 % change is the minimum effect.
inline const Quantity kLogRatio{"log ratio", std::log(1.1)};
inline constexpr Quantity kRank{"Spearman ρ", 0.2};
// H1/H2 need teachers at this many α levels (docs/method.md §13).
inline constexpr std::size_t kRankAlphaLevels = 6;
// A teacher's fitted T counts as "near 1" within this distance.
inline constexpr double kNearOne = 0.25;
// A training-set logit gap counts as "near Δ(α)" within this relative distance.
inline constexpr double kNearDelta = 0.25;
// The seed of every bootstrap, so a report re-renders identically.
inline constexpr std::uint64_t kBootstrapSeed = 20190613;

// What the claim predicts about the difference d (always oriented so that the claim speaks about d's sign):
//   greater:     d > 0. Supported: low > 0 and d̄ > min effect. Not supported: high < 0. Negligible: neither,
//                and the 90 % interval `equivalence` inside (−min effect, +min effect) (TOST at 0.05).
//   not_greater: d ≤ 0 ("no better"). Supported: high < min effect. Not supported: low > 0 and d̄ > min effect.
//   at_least:    d ≥ 0 ("equal or better"). Supported: low > −min effect. Not supported: high < 0 and
//                d̄ < −min effect.
// Any other case, and an interval that does not exist, is undecided.
enum class Prediction { greater, not_greater, at_least };
Verdict decide(const analysis::Interval& d, Prediction prediction, double min_effect,
               const analysis::Interval& equivalence = {std::nan(""), std::nan(""), std::nan("")});

// Any part not supported → not supported; every part supported → supported; every part supported or negligible
// → negligible; otherwise undecided.
Verdict all_of(const std::vector<Verdict>& parts);

// A per-seed value; `examples` is the test-set size behind an accuracy (NaN for other quantities).
struct Measure {
    double value = 0;
    double examples = 0;
};
using BySeed = std::map<std::uint64_t, Measure>;

// The interval of a difference and how it was obtained, for printing.
struct Evidence {
    analysis::Interval interval;                                               // 95 %
    analysis::Interval equivalence{std::nan(""), std::nan(""), std::nan("")};  // 90 %, for the equivalence test
    double mde = std::nan("");  // minimum detectable effect, 80 % power at the 95 % level (NaN: none)
    std::size_t seeds = 0;
    std::string method;  // "paired t, 3 seeds", "binomial, one seed", "one seed: no interval", …
};
// The verdict of the evidence's 95 % interval, negligible on its 90 % one.
Verdict decide(const Evidence& e, Prediction prediction, double min_effect);
// The minimum detectable effect of a 95 % interval of half-width `half_width` on `dof` degrees of freedom
// (infinite: normal): (t_{0.975} + t_{0.80})·SE with SE = half_width / t_{0.975}.
double minimum_detectable_effect(double half_width, double dof);
// A bootstrap's evidence: its 95 % and 90 % percentile intervals, the MDE from the 95 % width as if normal.
Evidence bootstrap_evidence(const analysis::Interval& ci95, const analysis::Interval& ci90, std::size_t units);
// "0.41 pts" (the MDE in the quantity's units), "–" when there is none.
std::string mde_text(const Evidence& e, const Quantity& q);

// a − b over the seeds both have: the paired t interval for two or more; Welch's interval when they share fewer
// than two seeds but each has two or more; for one shared seed, the binomial interval when both are accuracies,
// otherwise none.
Evidence compare(const BySeed& a, const BySeed& b);
// The mean of per-seed values d_s and its t interval (none for one seed).
Evidence one_sample(const BySeed& d);

// "d̄ = +0.41 pts [+0.12, +0.70] (paired t, 3 seeds)".
std::string describe(const Evidence& e, const Quantity& q);
// "0.8691 ± 0.0012 (min 0.8672, max 0.8703, 3 seeds)": the seed mean, std and range of a group.
std::string describe_group(const BySeed& g, const Quantity& q);

Claim make_claim(std::string id, std::string source, std::string statement);
// The claim, undecided, naming the runs that would decide it.
Claim needs(Claim c, std::string runs);

}  // namespace lskd::study
