#include "study/claims_groups.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analysis/bootstrap.hpp"
#include "analysis/interpolation.hpp"
#include "analysis/rank_correlation.hpp"

namespace lskd::study {
namespace {

void insert_sorted(std::vector<double>& values, double v) {
    for (double x : values)
        if (same_value(x, v)) return;
    values.insert(std::upper_bound(values.begin(), values.end(), v), v);
}

// (member of the teacher, test accuracy of its T = 1 student) for each teacher run with such a student.
std::pair<std::vector<double>, std::vector<double>> teacher_student_pairs(const StudyData& d,
                                                                          double TeacherRow::*member) {
    std::vector<double> x, y;
    for (const auto& t : d.teachers)
        for (const SummaryRow* s : students(d, t.alpha, 1.0))
            if (s->seed == t.seed) {
                x.push_back(t.*member);
                y.push_back(s->test_acc);
                break;
            }
    return {x, y};
}

}  // namespace

bool same_value(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(a)); }

std::vector<double> teacher_alphas(const StudyData& d) {
    std::vector<double> out;
    for (const auto& t : d.teachers) insert_sorted(out, t.alpha);
    return out;
}

std::vector<double> smoothed_alphas(const StudyData& d) {
    std::vector<double> out;
    for (double a : teacher_alphas(d))
        if (a > 0) out.push_back(a);
    return out;
}

bool has_hard_and_smoothed(const StudyData& d) {
    const auto alphas = teacher_alphas(d);
    return !alphas.empty() && alphas.front() == 0 && alphas.size() > 1;
}

BySeed teacher_values(const StudyData& d, double alpha, double TeacherRow::*member) {
    BySeed out;
    for (const auto& t : d.teachers)
        if (same_value(t.alpha, alpha))
            out[t.seed] = {t.*member, member == &TeacherRow::test_acc ? t.test_examples : std::nan("")};
    return out;
}

std::vector<const SummaryRow*> students(const StudyData& d, double teacher_alpha, double temperature,
                                        const std::string& loss) {
    std::vector<const SummaryRow*> out;
    for (const auto& r : d.runs)
        if (r.role == "student" && same_value(r.teacher_alpha, teacher_alpha) &&
            same_value(r.temperature, temperature) && (loss.empty() || r.loss == loss))
            out.push_back(&r);
    return out;
}

std::vector<double> student_temperatures(const StudyData& d, double teacher_alpha, const std::string& loss) {
    std::vector<double> out;
    for (const auto& r : d.runs)
        if (r.role == "student" && same_value(r.teacher_alpha, teacher_alpha) && (loss.empty() || r.loss == loss))
            insert_sorted(out, r.temperature);
    return out;
}

BySeed test_accuracy(const std::vector<const SummaryRow*>& rows) {
    BySeed out;
    for (const SummaryRow* r : rows) out[r->seed] = {r->test_acc, r->test_examples};
    return out;
}

double mean_val_acc(const std::vector<const SummaryRow*>& rows) {
    if (rows.empty()) return std::nan("");
    double sum = 0;
    for (const SummaryRow* r : rows) sum += r->val_acc;
    return sum / static_cast<double>(rows.size());
}

std::optional<double> best_on_validation(const std::vector<double>& candidates,
                                         const std::function<double(double)>& mean_val) {
    std::optional<double> best;
    double best_val = 0;
    for (double c : candidates) {
        const double v = mean_val(c);
        if (std::isnan(v)) return std::nullopt;
        if (!best || v > best_val) best = c, best_val = v;
    }
    return best;
}

std::vector<double> baseline_alphas(const StudyData& d) {
    std::vector<double> out;
    for (const auto& r : d.runs)
        if (r.role == "baseline") insert_sorted(out, r.alpha);
    return out;
}

BySeed baseline_at(const StudyData& d, const BySeed& gammas) {
    BySeed out;
    for (const auto& [seed, gamma] : gammas) {
        std::vector<const SummaryRow*> rows;
        for (const auto& r : d.runs)
            if (r.role == "baseline" && r.seed == seed) rows.push_back(&r);
        std::sort(rows.begin(), rows.end(),
                  [](const SummaryRow* a, const SummaryRow* b) { return a->alpha < b->alpha; });
        std::vector<double> xs, ys;
        double examples = 0;
        for (const SummaryRow* r : rows) {
            if (!xs.empty() && same_value(xs.back(), r->alpha)) continue;
            xs.push_back(r->alpha);
            ys.push_back(r->test_acc);
            examples = r->test_examples;
        }
        const double y = analysis::interpolate_linear(xs, ys, gamma.value);
        if (!std::isnan(y)) out[seed] = {y, examples};
    }
    return out;
}

BySeed student_gammas(const std::vector<const SummaryRow*>& rows) {
    BySeed out;
    for (const SummaryRow* r : rows) out[r->seed] = {r->gamma, std::nan("")};
    return out;
}

BySeed mean_over_smoothed(const StudyData& d, const std::function<double(const TeacherRow&)>& f) {
    std::map<std::uint64_t, std::pair<double, int>> sums;
    for (const auto& t : d.teachers)
        if (t.alpha > 0) {
            sums[t.seed].first += f(t);
            sums[t.seed].second += 1;
        }
    BySeed out;
    for (const auto& [seed, s] : sums) out[seed] = {s.first / s.second, std::nan("")};
    return out;
}

BySeed difference(const BySeed& a, const BySeed& b) {
    BySeed out;
    for (const auto& [seed, m] : a)
        if (const auto it = b.find(seed); it != b.end()) out[seed] = {m.value - it->second.value, std::nan("")};
    return out;
}

analysis::Interval teacher_rank_interval(const StudyData& d, double TeacherRow::*member) {
    const auto [x, y] = teacher_student_pairs(d, member);
    return analysis::bootstrap_interval(
        x.size(),
        [&](const std::vector<std::size_t>& units) {
            std::vector<double> rx, ry;
            for (std::size_t u : units) rx.push_back(x[u]), ry.push_back(y[u]);
            return analysis::spearman(rx, ry);
        },
        kBootstrapSeed);
}

std::size_t teacher_runs_with_t1_student(const StudyData& d) {
    return teacher_student_pairs(d, &TeacherRow::test_acc).first.size();
}

RankUnits rank_units(const StudyData& d, double TeacherRow::*member) {
    RankUnits u;
    for (const auto& t : d.teachers)
        for (const SummaryRow* s : students(d, t.alpha, 1.0))
            if (s->seed == t.seed) {
                u.statistic.push_back(t.*member);
                u.teacher_accuracy.push_back(t.test_acc);
                u.alpha.push_back(t.alpha);
                u.student.push_back(s->test_acc);
                break;
            }
    return u;
}

std::string list_text(const std::vector<double>& values) { return fmt::format("{{{}}}", fmt::join(values, ", ")); }

std::string seeds_text(const BySeed& g) {
    std::vector<std::uint64_t> seeds;
    for (const auto& [seed, m] : g) seeds.push_back(seed);
    return fmt::format("seeds {{{}}}", fmt::join(seeds, ", "));
}

}  // namespace lskd::study
