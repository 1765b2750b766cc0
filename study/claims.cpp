#include "study/claims.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include <fmt/format.h>

namespace lskd::study {
namespace {



std::vector<double> ranks(const std::vector<double>& v) {
    std::vector<std::size_t> order(v.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
    std::vector<double> r(v.size());
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
        for (std::size_t k = i; k <= j; ++k) r[order[k]] = 0.5 * static_cast<double>(i + j);
        i = j + 1;
    }
    return r;
}

// Mean of `value` over the teachers of each α (seeds averaged), by α.
template <typename F>
std::map<double, double> by_alpha(const std::vector<TeacherRow>& teachers, F value) {
    std::map<double, std::pair<double, int>> acc;
    for (const auto& t : teachers) {
        acc[t.alpha].first += value(t);
        acc[t.alpha].second += 1;
    }
    std::map<double, double> out;
    for (const auto& [a, s] : acc) out[a] = s.first / s.second;
    return out;
}

std::string fmt_by_alpha(const std::map<double, double>& m, int digits) {
    std::string s;
    for (const auto& [a, v] : m) s += fmt::format("{}α={}: {:.{}f}", s.empty() ? "" : ", ", a, v, digits);
    return s;
}

// Best (max) mean accuracy over seeds among the runs that pass `keep`, and a label for it.
template <typename Keep>
std::pair<double, std::string> best_run(const std::vector<SummaryRow>& runs, Keep keep) {
    std::map<std::string, std::pair<double, int>> groups;
    for (const auto& r : runs)
        if (keep(r)) {
            const std::string label = r.role == "student" ? fmt::format("teacher α={} T={}", r.teacher_alpha, r.temperature)
                                                          : fmt::format("α={}", r.alpha);
            groups[label].first += r.test_acc;
            groups[label].second += 1;
        }
    std::pair<double, std::string> best{std::nan(""), ""};
    for (const auto& [label, s] : groups) {
        const double mean = s.first / s.second;
        if (std::isnan(best.first) || mean > best.first) best = {mean, label};
    }
    return best;
}

Claim decide(std::string statement, bool known, bool holds, std::string evidence) {
    return {std::move(statement), !known ? Verdict::undecided : holds ? Verdict::supported : Verdict::not_supported,
            std::move(evidence)};
}

}  // namespace

const char* verdict_name(Verdict v) {
    switch (v) {
        case Verdict::supported: return "supported";
        case Verdict::not_supported: return "not supported";
        case Verdict::undecided: return "undecided";
    }
    return "?";
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
    if (x.size() != y.size() || x.size() < 3) return std::nan("");
    const auto rx = ranks(x), ry = ranks(y);
    const double n = static_cast<double>(x.size());
    const double mx = std::accumulate(rx.begin(), rx.end(), 0.0) / n, my = std::accumulate(ry.begin(), ry.end(), 0.0) / n;
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t i = 0; i < rx.size(); ++i) {
        sxy += (rx[i] - mx) * (ry[i] - my);
        sxx += (rx[i] - mx) * (rx[i] - mx);
        syy += (ry[i] - my) * (ry[i] - my);
    }
    return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : std::nan("");
}

std::vector<Claim> evaluate_claims(const std::vector<TeacherRow>& teachers, const std::vector<SummaryRow>& runs) {
    std::vector<Claim> claims;
    const auto acc = by_alpha(teachers, [](const TeacherRow& t) { return t.test_acc; });
    const auto ece = by_alpha(teachers, [](const TeacherRow& t) { return t.ece; });
    const auto ece_ts = by_alpha(teachers, [](const TeacherRow& t) { return t.ece_scaled; });
    const auto mi = by_alpha(teachers, [](const TeacherRow& t) { return t.mi; });
    const auto scatter = by_alpha(teachers, [](const TeacherRow& t) { return t.scatter_train; });
    const auto erasure = by_alpha(teachers, [](const TeacherRow& t) { return t.one_minus_s_train; });
    const bool has_hard = acc.count(0.0) > 0, has_ls = acc.size() > (has_hard ? 1u : 0u);

    {
        double best_ls = -1, best_alpha = 0;
        for (const auto& [a, v] : acc)
            if (a > 0 && v > best_ls) best_ls = v, best_alpha = a;
        claims.push_back(decide("Label smoothing improves the teacher's accuracy.", has_hard && has_ls,
                                has_hard && best_ls >= acc.at(0.0),
                                has_hard && has_ls ? fmt::format("teacher test accuracy α=0: {:.4f}; best smoothed, α={}: {:.4f} ({})",
                                                                 acc.at(0.0), best_alpha, best_ls, fmt_by_alpha(acc, 4))
                                                   : "needs teachers at α = 0 and α > 0"));
    }
    {
        double best_ls = 1e9, best_alpha = 0;
        for (const auto& [a, v] : ece)
            if (a > 0 && v < best_ls) best_ls = v, best_alpha = a;
        const bool known = has_hard && has_ls;
        claims.push_back(decide(
            "Label smoothing lowers the teacher's ECE, towards what temperature scaling achieves.", known,
            known && best_ls < ece.at(0.0),
            known ? fmt::format("test ECE α=0: {:.4f}, after temperature scaling {:.4f}; best smoothed, α={}: {:.4f} ({})",
                                ece.at(0.0), ece_ts.at(0.0), best_alpha, best_ls, fmt_by_alpha(ece, 4))
                  : "needs teachers at α = 0 and α > 0"));
    }
    {
        const auto hard = best_run(runs, [](const SummaryRow& r) { return r.role == "student" && r.teacher_alpha == 0; });
        const auto soft = best_run(runs, [](const SummaryRow& r) { return r.role == "student" && r.teacher_alpha > 0; });
        const bool known = !std::isnan(hard.first) && !std::isnan(soft.first);
        claims.push_back(decide("Students of the hard-target teacher beat students of smoothed teachers.", known,
                                known && hard.first > soft.first,
                                known ? fmt::format("best student of the α=0 teacher ({}): {:.4f}; best student of a smoothed teacher ({}): {:.4f}",
                                                    hard.second, hard.first, soft.second, soft.first)
                                      : "needs students of both kinds of teacher"));
        const auto base = best_run(runs, [](const SummaryRow& r) { return r.role == "baseline"; });
        const bool known_base = !std::isnan(hard.first) && !std::isnan(base.first);
        claims.push_back(decide("Distilling from the hard-target teacher beats training the student with label smoothing alone.",
                                known_base, known_base && hard.first > base.first,
                                known_base ? fmt::format("best student of the α=0 teacher ({}): {:.4f}; best baseline ({}): {:.4f}",
                                                         hard.second, hard.first, base.second, base.first)
                                           : "needs students of the α=0 teacher and baselines"));
    }
    {
        std::vector<double> alphas, values;
        for (const auto& [a, v] : mi) alphas.push_back(a), values.push_back(v);
        const double rho = spearman(alphas, values);
        const bool known = has_hard && has_ls;
        claims.push_back(decide("Label smoothing erases information: the teacher's mutual information falls with α.", known,
                                known && mi.begin()->second > std::prev(mi.end())->second && !(rho > 0),
                                known ? fmt::format("Î in nats ({}); log 2 = 0.693; Spearman(α, Î) = {:.2f}", fmt_by_alpha(mi, 3), rho)
                                      : "needs teachers at α = 0 and α > 0"));
    }
    {
        std::vector<double> alphas, values;
        for (const auto& [a, v] : scatter) alphas.push_back(a), values.push_back(v);
        const double rho = spearman(alphas, values);
        const bool known = has_hard && has_ls;
        claims.push_back(decide("Label smoothing packs each class into a tighter cluster.", known,
                                known && scatter.begin()->second > std::prev(scatter.end())->second && !(rho > 0),
                                known ? fmt::format("within/between scatter of the projected triple, train records ({}); "
                                                    "Spearman(α, ratio) = {:.2f}; 1 − S on train ({})",
                                                    fmt_by_alpha(scatter, 3), rho, fmt_by_alpha(erasure, 4))
                                      : "needs teachers at α = 0 and α > 0"));
    }
    {
        // Teachers with a T = 1 student: does the teacher's MI or its accuracy rank the students better?
        std::vector<double> t_acc, t_mi, s_acc;
        for (const auto& [a, v] : acc) {
            const auto student = best_run(runs, [a = a](const SummaryRow& r) {
                return r.role == "student" && r.teacher_alpha == a && r.temperature == 1.0;
            });
            if (std::isnan(student.first)) continue;
            t_acc.push_back(v);
            t_mi.push_back(mi.at(a));
            s_acc.push_back(student.first);
        }
        const double by_acc = spearman(t_acc, s_acc), by_mi = spearman(t_mi, s_acc);
        const bool known = !std::isnan(by_acc) && !std::isnan(by_mi);
        claims.push_back(decide("A teacher's mutual information predicts its student's accuracy better than the teacher's accuracy does.",
                                known, known && by_mi > by_acc,
                                known ? fmt::format("over {} teachers and their T=1 students: Spearman(teacher Î, student accuracy) = "
                                                    "{:.2f}, Spearman(teacher accuracy, student accuracy) = {:.2f}",
                                                    s_acc.size(), by_mi, by_acc)
                                      : "needs T = 1 students of at least three teachers"));
    }
    return claims;
}

}  // namespace lskd::study
