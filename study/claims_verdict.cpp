#include "study/claims_verdict.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "analysis/student_t.hpp"

namespace lskd::study {
namespace {

std::string signed_number(double v, const Quantity& q) {
    return std::isnan(v) ? "–" : fmt::format("{:+.{}f}", v * q.scale, q.scale == 1 ? 3 : 2);
}

}  // namespace

Verdict decide(const analysis::Interval& d, Prediction prediction, double min_effect,
               const analysis::Interval& equivalence) {
    if (!d.defined() || std::isnan(d.estimate)) return Verdict::undecided;
    switch (prediction) {
        case Prediction::greater:
            if (d.low > 0 && d.estimate > min_effect) return Verdict::supported;
            if (d.high < 0) return Verdict::not_supported;
            if (min_effect > 0 && equivalence.defined() && equivalence.low > -min_effect &&
                equivalence.high < min_effect)
                return Verdict::negligible;
            return Verdict::undecided;
        case Prediction::not_greater:
            if (d.high < min_effect) return Verdict::supported;
            if (d.low > 0 && d.estimate > min_effect) return Verdict::not_supported;
            return Verdict::undecided;
        case Prediction::at_least:
            if (d.low > -min_effect) return Verdict::supported;
            if (d.high < 0 && d.estimate < -min_effect) return Verdict::not_supported;
            return Verdict::undecided;
    }
    return Verdict::undecided;
}

Verdict all_of(const std::vector<Verdict>& parts) {
    bool all = !parts.empty(), decided = !parts.empty();
    for (Verdict v : parts) {
        if (v == Verdict::not_supported) return Verdict::not_supported;
        all = all && v == Verdict::supported;
        decided = decided && (v == Verdict::supported || v == Verdict::negligible);
    }
    return all ? Verdict::supported : decided ? Verdict::negligible : Verdict::undecided;
}

Verdict decide(const Evidence& e, Prediction prediction, double min_effect) {
    return decide(e.interval, prediction, min_effect, e.equivalence);
}

double minimum_detectable_effect(double half_width, double dof) {
    if (!(half_width >= 0)) return std::nan("");
    const bool normal = std::isinf(dof);
    const double t975 = normal ? analysis::normal_quantile(0.975) : analysis::student_t_quantile(0.975, dof);
    const double t80 = normal ? analysis::normal_quantile(0.80) : analysis::student_t_quantile(0.80, dof);
    return half_width / t975 * (t975 + t80);
}

Evidence bootstrap_evidence(const analysis::Interval& ci95, const analysis::Interval& ci90, std::size_t units) {
    Evidence e;
    e.interval = ci95;
    e.equivalence = ci90;
    e.seeds = units;
    e.method = fmt::format("bootstrap over {} teacher runs, seed {}", units, kBootstrapSeed);
    if (ci95.defined()) e.mde = minimum_detectable_effect((ci95.high - ci95.low) / 2, INFINITY);
    return e;
}

std::string mde_text(const Evidence& e, const Quantity& q) {
    if (std::isnan(e.mde)) return "–";
    return fmt::format("{:.{}f}{}", e.mde * q.scale, q.scale == 1 ? 3 : 2, q.unit);
}

Evidence compare(const BySeed& a, const BySeed& b) {
    std::vector<double> va, vb;
    const Measure* one_a = nullptr;
    const Measure* one_b = nullptr;
    for (const auto& [seed, m] : a)
        if (const auto it = b.find(seed); it != b.end()) {
            va.push_back(m.value);
            vb.push_back(it->second.value);
            one_a = &m;
            one_b = &it->second;
        }
    Evidence e;
    e.seeds = va.size();
    if (va.size() < 2 && a.size() >= 2 && b.size() >= 2) {
        std::vector<double> all_a, all_b;
        for (const auto& [seed, m] : a) all_a.push_back(m.value);
        for (const auto& [seed, m] : b) all_b.push_back(m.value);
        e.interval = analysis::welch_interval(all_a, all_b);
        e.equivalence = analysis::welch_interval(all_a, all_b, 0.90);
        // The smaller group's n − 1: at most Welch's degrees of freedom, so the MDE errs large.
        e.mde = minimum_detectable_effect((e.interval.high - e.interval.low) / 2,
                                          static_cast<double>(std::min(all_a.size(), all_b.size()) - 1));
        e.method = fmt::format("Welch, {} and {} unpaired seeds", all_a.size(), all_b.size());
    } else if (va.empty()) {
        e.interval = {std::nan(""), std::nan(""), std::nan("")};
        e.method = "no shared seed";
    } else if (va.size() >= 2) {
        e.interval = analysis::paired_interval(va, vb);
        e.equivalence = analysis::paired_interval(va, vb, 0.90);
        e.mde = minimum_detectable_effect((e.interval.high - e.interval.low) / 2, static_cast<double>(va.size() - 1));
        e.method = fmt::format("paired t, {} seeds", va.size());
    } else if (one_a->examples > 0 && one_b->examples > 0) {
        e.interval =
            analysis::binomial_difference_interval(one_a->value, one_a->examples, one_b->value, one_b->examples);
        e.equivalence =
            analysis::binomial_difference_interval(one_a->value, one_a->examples, one_b->value, one_b->examples, 0.90);
        e.mde = minimum_detectable_effect((e.interval.high - e.interval.low) / 2, INFINITY);
        e.method = "binomial, one seed";
    } else {
        e.interval = {va[0] - vb[0], std::nan(""), std::nan("")};
        e.method = "one seed: no interval";
    }
    return e;
}

Evidence one_sample(const BySeed& d) {
    std::vector<double> v;
    for (const auto& [seed, m] : d) v.push_back(m.value);
    Evidence e;
    e.seeds = v.size();
    e.interval = analysis::mean_interval(v);
    e.equivalence = analysis::mean_interval(v, 0.90);
    if (v.size() >= 2)
        e.mde = minimum_detectable_effect((e.interval.high - e.interval.low) / 2, static_cast<double>(v.size() - 1));
    e.method = v.size() >= 2 ? fmt::format("t, {} seeds", v.size()) : v.empty() ? "no seed" : "one seed: no interval";
    return e;
}

std::string describe(const Evidence& e, const Quantity& q) {
    return fmt::format("d̄ = {}{} [{}, {}] ({})", signed_number(e.interval.estimate, q), q.unit,
                       signed_number(e.interval.low, q), signed_number(e.interval.high, q), e.method);
}

std::string describe_group(const BySeed& g, const Quantity& q) {
    std::vector<double> v;
    for (const auto& [seed, m] : g) v.push_back(m.value * q.scale);
    const analysis::GroupSummary s = analysis::summarize(v);
    const int digits = q.scale == 1 ? 3 : 2;
    if (s.n == 0) return "–";
    if (s.n == 1) return fmt::format("{:.{}f} (one seed)", s.mean, digits);
    return fmt::format("{:.{}f} ± {:.{}f} (min {:.{}f}, max {:.{}f}, {} seeds)", s.mean, digits, s.stddev, digits,
                       s.min, digits, s.max, digits, s.n);
}

Claim make_claim(std::string id, std::string source, std::string statement) {
    Claim c;
    c.id = std::move(id);
    c.source = std::move(source);
    c.statement = std::move(statement);
    return c;
}

Claim needs(Claim c, std::string runs) {
    c.verdict = Verdict::undecided;
    c.runs = std::move(runs);
    return c;
}

}  // namespace lskd::study
