// The decision rule of docs/method.md §13 and the seed-wise comparisons the claim rules are built from: per-seed
// values of two configurations, their paired t interval (the binomial interval for one seed of accuracies), and
// the verdict for each kind of prediction with its stated minimum effect.
#pragma once
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
inline constexpr Quantity kOneMinusS{"1 − S", 0.005};
inline constexpr Quantity kScatter{"scatter ratio", 0.05};
inline constexpr Quantity kRank{"Spearman ρ", 0.2};
// A teacher's fitted T counts as "near 1" within this distance.
inline constexpr double kNearOne = 0.25;
// A training-set logit gap counts as "near Δ(α)" within this relative distance.
inline constexpr double kNearDelta = 0.25;
// The seed of every bootstrap, so a report re-renders identically.
inline constexpr std::uint64_t kBootstrapSeed = 20190613;

// What the claim predicts about the difference d (always oriented so that the claim speaks about d's sign):
//   greater:     d > 0. Supported: low > 0 and d̄ > min effect. Not supported: high < 0.
//   not_greater: d ≤ 0 ("no better"). Supported: high < min effect. Not supported: low > 0 and d̄ > min effect.
//   at_least:    d ≥ 0 ("equal or better"). Supported: low > −min effect. Not supported: high < 0 and
//                d̄ < −min effect.
// Any other case, and an interval that does not exist, is undecided.
enum class Prediction { greater, not_greater, at_least };
Verdict decide(const analysis::Interval& d, Prediction prediction, double min_effect);

// Every part supported → supported; any part not supported → not supported; otherwise undecided.
Verdict all_of(const std::vector<Verdict>& parts);

// A per-seed value; `examples` is the test-set size behind an accuracy (NaN for other quantities).
struct Measure {
    double value = 0;
    double examples = 0;
};
using BySeed = std::map<std::uint64_t, Measure>;

// The interval of a difference and how it was obtained, for printing.
struct Evidence {
    analysis::Interval interval;
    std::size_t seeds = 0;
    std::string method;  // "paired t, 3 seeds", "binomial, one seed", "one seed: no interval", …
};

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
