#include "study/claims_sequences.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "study/claims_groups.hpp"
#include "study/claims_verdict.hpp"

namespace lskd::study {
namespace {

// Minimum effects of the sequence quantities (docs/method.md §13 "Sequence claims").
constexpr Quantity kNll{"token NLL (nats)", 0.01};
constexpr Quantity kWer{"WER", 0.002, 100, " pts"};
constexpr Quantity kBleu{"BLEU", 0.2};
// |ECE(α > 0) − ECE_TS(α = 0)| counts as "small" below this.
constexpr double kEceClose = 0.02;
constexpr const char* kNeedsTeachers = "needs sequence teachers at α = 0 and α > 0";

using Rows = std::vector<SequenceTeacherRow>;
using Member = std::function<double(const SequenceTeacherRow&)>;

// The teachers' score kind; WER falls as decodes improve, BLEU rises.
struct ScoreKind {
    const Quantity* quantity;
    double sign;  // improvement = sign · (new − old)
    std::string name;
};
ScoreKind score_kind(const Rows& t) {
    const bool bleu = !t.empty() && t.front().decoding.score_name == "bleu";
    return bleu ? ScoreKind{&kBleu, 1.0, "BLEU"} : ScoreKind{&kWer, -1.0, "WER"};
}

std::optional<double> smallest_smoothed(const Rows& t) {
    std::optional<double> best;
    for (const auto& r : t)
        if (r.alpha > 0 && (!best || r.alpha < *best)) best = r.alpha;
    return best;
}
bool has_hard(const Rows& t) {
    return std::any_of(t.begin(), t.end(), [](const auto& r) { return r.alpha == 0; });
}

BySeed by_seed(const Rows& t, double alpha, const Member& f) {
    BySeed out;
    for (const auto& r : t)
        if (same_value(r.alpha, alpha)) out[r.seed] = {f(r), std::nan("")};
    return out;
}

// The sweep's point at T = 1 (NaN when the grid lacks it).
const DecodingPoint* at_one(const DecodingAnalysis& a) {
    for (const auto& p : a.sweep)
        if (same_value(p.temperature, 1.0)) return &p;
    return nullptr;
}
double score_at_one(const SequenceTeacherRow& r) {
    const DecodingPoint* p = at_one(r.decoding);
    return p ? p->score : std::nan("");
}
BySeed scaled(const BySeed& g, double sign) {
    BySeed out = g;
    for (auto& [seed, m] : out) m.value *= sign;
    return out;
}

// The temperature of the sweep's best point by `key` (lowest key; the lowest T among ties).
double argbest(const DecodingAnalysis& a, const std::function<double(const DecodingPoint&)>& key) {
    double best_t = std::nan(""), best = std::numeric_limits<double>::infinity();
    for (const auto& p : a.sweep)
        if (key(p) < best) {
            best = key(p);
            best_t = p.temperature;
        }
    return best_t;
}

// Per seed, the mean of the values added for it.
class SeedMeans {
public:
    void add(std::uint64_t seed, double value) {
        auto& [sum, count] = sums_[seed];
        sum += value;
        count += 1;
    }
    BySeed means() const {
        BySeed out;
        for (const auto& [seed, s] : sums_) out[seed] = {s.first / s.second, std::nan("")};
        return out;
    }

private:
    std::map<std::uint64_t, std::pair<double, int>> sums_;
};

// The temperatures of the α = 0 teacher's KD students, sorted and distinct.
std::vector<double> hard_student_temperatures(const std::vector<SequenceStudentRow>& s) {
    std::vector<double> out;
    for (const auto& r : s)
        if (!r.baseline && same_value(r.teacher_alpha, 0) &&
            std::none_of(out.begin(), out.end(), [&](double x) { return same_value(x, r.temperature); }))
            out.push_back(r.temperature);
    std::sort(out.begin(), out.end());
    return out;
}

Claim g1_nll(const Rows& t) {
    Claim c = make_claim("G1", "M", "Label smoothing worsens the teacher's test token NLL at T = 1.");
    const auto a = smallest_smoothed(t);
    if (!a || !has_hard(t)) return needs(std::move(c), kNeedsTeachers);
    const auto nll = [](const SequenceTeacherRow& r) { return r.test_nll; };
    const BySeed hard = by_seed(t, 0, nll), smooth = by_seed(t, *a, nll);
    const Evidence e = compare(smooth, hard);
    c.verdict = decide(e, Prediction::greater, kNll.min_effect);
    c.mde = mde_text(e, kNll);
    c.numbers = fmt::format("NLL(α = {}) − NLL(α = 0): {}; α = 0: {}; α = {}: {}", *a, describe(e, kNll),
                            describe_group(hard, kNll), *a, describe_group(smooth, kNll));
    c.runs = fmt::format("teachers α ∈ {{0, {}}}, {}", *a, seeds_text(hard));
    return c;
}

Claim g2_score(const Rows& t) {
    const ScoreKind k = score_kind(t);
    Claim c = make_claim("G2", "M", fmt::format("Label smoothing improves the teacher's beam-search {}.", k.name));
    const auto a = smallest_smoothed(t);
    if (!a || !has_hard(t)) return needs(std::move(c), kNeedsTeachers);
    const BySeed hard = by_seed(t, 0, score_at_one), smooth = by_seed(t, *a, score_at_one);
    const Evidence e = compare(scaled(smooth, k.sign), scaled(hard, k.sign));
    c.verdict = decide(e, Prediction::greater, k.quantity->min_effect);
    c.mde = mde_text(e, *k.quantity);
    c.numbers = fmt::format("{} improvement of α = {} over α = 0 at T = 1: {}; α = 0: {}; α = {}: {}", k.name, *a,
                            describe(e, *k.quantity), describe_group(hard, *k.quantity), *a,
                            describe_group(smooth, *k.quantity));
    c.runs = fmt::format("teachers α ∈ {{0, {}}}, beam decodes of the test split at T = 1, {}", *a, seeds_text(hard));
    return c;
}

Claim g3_ece(const Rows& t) {
    Claim c = make_claim("G3", "M",
                         "Label smoothing lowers the teacher's token ECE, to near what temperature scaling gives the "
                         "α = 0 teacher.");
    const auto a = smallest_smoothed(t);
    if (!a || !has_hard(t)) return needs(std::move(c), kNeedsTeachers);
    const auto ece = [](const SequenceTeacherRow& r) { return r.test_ece; };
    const BySeed hard = by_seed(t, 0, ece), smooth = by_seed(t, *a, ece);
    const BySeed hard_ts = by_seed(t, 0, [](const SequenceTeacherRow& r) { return r.decoding.ece_after; });
    BySeed close;
    for (const auto& [seed, m] : smooth)
        if (const auto it = hard_ts.find(seed); it != hard_ts.end())
            close[seed] = {kEceClose - std::fabs(m.value - it->second.value), std::nan("")};
    const Evidence lower = compare(hard, smooth), near = one_sample(close);
    c.verdict = all_of({decide(lower, Prediction::greater, kEce.min_effect), decide(near, Prediction::greater, 0.0)});
    c.numbers = fmt::format("ECE(α = 0) − ECE(α = {}): {}; {} − |ECE(α = {}) − ECE_TS(α = 0)|: {}; ECE α = 0: {}, "
                            "after TS: {}; α = {}: {}",
                            *a, describe(lower, kEce), kEceClose, *a, describe(near, kEce), describe_group(hard, kEce),
                            describe_group(hard_ts, kEce), *a, describe_group(smooth, kEce));
    c.runs =
        fmt::format("teachers α ∈ {{0, {}}}, test tokens, T fitted on validation tokens, {}", *a, seeds_text(hard));
    return c;
}

Claim g4_ts_score(const Rows& t) {
    const ScoreKind k = score_kind(t);
    Claim c = make_claim(
        "G4", "M", fmt::format("Temperature scaling the α = 0 teacher does not recover label smoothing's {}.", k.name));
    const auto a = smallest_smoothed(t);
    if (!a || !has_hard(t)) return needs(std::move(c), kNeedsTeachers);
    const BySeed smooth = by_seed(t, *a, score_at_one);
    const BySeed hard_ts = by_seed(t, 0, [](const SequenceTeacherRow& r) { return r.decoding.score_at_fitted; });
    const Evidence e = compare(scaled(smooth, k.sign), scaled(hard_ts, k.sign));
    c.verdict = decide(e, Prediction::greater, k.quantity->min_effect);
    c.mde = mde_text(e, *k.quantity);
    c.numbers = fmt::format("{} improvement of α = {} at T = 1 over α = 0 at its fitted T: {}; α = 0 at fitted T: {}; "
                            "α = {}: {}",
                            k.name, *a, describe(e, *k.quantity), describe_group(hard_ts, *k.quantity), *a,
                            describe_group(smooth, *k.quantity));
    c.runs = fmt::format("teachers α ∈ {{0, {}}}, beam decodes of the test split, {}", *a, seeds_text(smooth));
    return c;
}

Claim g5_ece_predicts_t(const Rows& t) {
    Claim c = make_claim("G5", "M",
                         "The temperature minimising token ECE lies nearer the temperature of the best beam-search "
                         "score than the one minimising token NLL does.");
    const ScoreKind k = score_kind(t);
    SeedMeans gains;
    for (const auto& r : t) {
        const DecodingAnalysis& d = r.decoding;
        if (d.sweep.size() < 2) continue;
        const double best = argbest(d, [&](const DecodingPoint& p) { return -k.sign * p.score; });
        const double by_ece = argbest(d, [](const DecodingPoint& p) { return p.ece; });
        const double by_nll = argbest(d, [](const DecodingPoint& p) { return p.nll; });
        gains.add(r.seed, std::fabs(by_nll - best) - std::fabs(by_ece - best));
    }
    const BySeed gain = gains.means();
    if (gain.empty()) return needs(std::move(c), "needs teachers with a temperature sweep of two or more T");
    const Evidence e = one_sample(gain);
    c.verdict = decide(e, Prediction::greater, kTemperature.min_effect);
    c.mde = mde_text(e, kTemperature);
    c.numbers = fmt::format("|T_NLL − T_best| − |T_ECE − T_best|, averaged over the teachers of a seed: {}",
                            describe(e, kTemperature));
    c.runs = fmt::format("every teacher's test sweep over T, {}", seeds_text(gain));
    return c;
}

// Per seed, the improvement of the α teacher's students over the α = 0 teacher's, averaged over the temperatures
// both have students at.
Claim shen_sequence_students(const Rows& t, const std::vector<SequenceStudentRow>& s) {
    const ScoreKind k = score_kind(t);
    Claim c = make_claim("S-seq", "S",
                         fmt::format("The label-smoothed teacher distils the better student: its students' {} beats "
                                     "the α = 0 teacher's at the same T.",
                                     k.name));
    const auto a = smallest_smoothed(t);
    if (!a) return needs(std::move(c), kNeedsTeachers);
    const auto group = [&](double teacher_alpha, double temperature) {
        BySeed out;
        for (const auto& r : s)
            if (!r.baseline && same_value(r.teacher_alpha, teacher_alpha) && same_value(r.temperature, temperature))
                out[r.seed] = {k.sign * r.score, std::nan("")};
        return out;
    };
    SeedMeans gain;
    std::vector<double> used;
    std::string every;
    for (double temperature : hard_student_temperatures(s)) {
        const BySeed ls = group(*a, temperature), hard = group(0, temperature);
        const BySeed d = difference(ls, hard);
        if (d.empty()) continue;
        used.push_back(temperature);
        for (const auto& [seed, m] : d) gain.add(seed, m.value);
        every += fmt::format("{}T = {}: {}", every.empty() ? "" : "; ", temperature,
                             describe(compare(ls, hard), *k.quantity));
    }
    if (used.empty())
        return needs(std::move(c), "needs KD students of the α = 0 and an α > 0 teacher at a common T and seed");
    const Evidence e = one_sample(gain.means());
    c.verdict = decide(e, Prediction::greater, k.quantity->min_effect);
    c.mde = mde_text(e, *k.quantity);
    c.numbers = fmt::format("{} improvement of the students of α = {} over those of α = 0, averaged over T ∈ {}: {} "
                            "({})",
                            k.name, *a, list_text(used), describe(e, *k.quantity), every);
    c.runs =
        fmt::format("students of teachers α ∈ {{0, {}}} at T ∈ {}, {}", *a, list_text(used), seeds_text(gain.means()));
    return c;
}

}  // namespace

std::vector<Claim> sequence_claims(const std::vector<SequenceTeacherRow>& teachers,
                                   const std::vector<SequenceStudentRow>& students) {
    return {g1_nll(teachers),      g2_score(teachers),          g3_ece(teachers),
            g4_ts_score(teachers), g5_ece_predicts_t(teachers), shen_sequence_students(teachers, students)};
}

}  // namespace lskd::study
