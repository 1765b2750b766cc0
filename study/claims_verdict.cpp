#include "study/claims_verdict.hpp"

#include <cmath>

#include <fmt/format.h>

namespace lskd::study {
namespace {

std::string signed_number(double v, const Quantity& q) {
    return std::isnan(v) ? "–" : fmt::format("{:+.{}f}", v * q.scale, q.scale == 1 ? 3 : 2);
}

}  // namespace

Verdict decide(const analysis::Interval& d, Prediction prediction, double min_effect) {
    if (!d.defined() || std::isnan(d.estimate)) return Verdict::undecided;
    switch (prediction) {
        case Prediction::greater:
            if (d.low > 0 && d.estimate > min_effect) return Verdict::supported;
            if (d.high < 0) return Verdict::not_supported;
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
    bool all = !parts.empty();
    for (Verdict v : parts) {
        if (v == Verdict::not_supported) return Verdict::not_supported;
        all = all && v == Verdict::supported;
    }
    return all ? Verdict::supported : Verdict::undecided;
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
        e.method = fmt::format("Welch, {} and {} unpaired seeds", all_a.size(), all_b.size());
    } else if (va.empty()) {
        e.interval = {std::nan(""), std::nan(""), std::nan("")};
        e.method = "no shared seed";
    } else if (va.size() >= 2) {
        e.interval = analysis::paired_interval(va, vb);
        e.method = fmt::format("paired t, {} seeds", va.size());
    } else if (one_a->examples > 0 && one_b->examples > 0) {
        e.interval =
            analysis::binomial_difference_interval(one_a->value, one_a->examples, one_b->value, one_b->examples);
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
