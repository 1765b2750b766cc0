#include "analysis/mi_bias.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "analysis/mutual_information.hpp"
#include "framework/core/error.hpp"
#include "framework/core/random.hpp"

namespace lskd::analysis {

double mixture_mutual_information(const Eigen::VectorXd& means, const Eigen::VectorXd& sigmas, int points) {
    const Eigen::Index n = means.size();
    if (n < 1 || sigmas.size() != n || points < 3 || (sigmas.array() <= 0).any())
        fail("mixture_mutual_information: needs N ≥ 1 means with as many positive sigmas and 3 or more points");
    const double lo = (means.array() - 10 * sigmas.array()).minCoeff();
    const double hi = (means.array() + 10 * sigmas.array()).maxCoeff();
    const double step = (hi - lo) / (points - 1);
    const double norm = 1 / std::sqrt(2 * std::numbers::pi);
    double entropy = 0;  // H(Y) = −∫ p log p, trapezoid rule
    for (int i = 0; i < points; ++i) {
        const double y = lo + step * i;
        const double p =
            (norm / sigmas.array() * (-0.5 * ((y - means.array()) / sigmas.array()).square()).exp()).mean();
        if (p > 0) entropy -= (i == 0 || i == points - 1 ? 0.5 : 1.0) * p * std::log(p) * step;
    }
    const double conditional = (0.5 * (2 * std::numbers::pi * std::numbers::e * sigmas.array().square()).log()).mean();
    return entropy - conditional;
}

MixtureBias estimator_bias(const MixtureSpec& spec) {
    if (spec.examples < 2 || spec.examples % 2 != 0 || spec.views < 2 || spec.replicates < 1 || spec.noise <= 0 ||
        spec.separation <= 0)
        fail("estimator_bias: needs an even N ≥ 2, L ≥ 2, one or more replicates and positive noise and separation");
    Rng rng(spec.seed);
    const Eigen::Index n = spec.examples;
    Eigen::VectorXd means(n), sigmas(n);
    for (Eigen::Index x = 0; x < n; ++x) {
        means(x) = (x < n / 2 ? -spec.separation : spec.separation) + spec.spread * rng.normal();
        sigmas(x) = spec.noise * (1 + spec.growth * std::abs(means(x)) / spec.separation);
    }
    MixtureBias out;
    out.truth = mixture_mutual_information(means, sigmas);
    Eigen::MatrixXd views(n, spec.views);
    Eigen::VectorXd extra(n);
    for (int r = 0; r < spec.replicates; ++r) {
        for (Eigen::Index x = 0; x < n; ++x) {
            for (int l = 0; l < spec.views; ++l) views(x, l) = means(x) + sigmas(x) * rng.normal();
            extra(x) = means(x) + sigmas(x) * rng.normal();
        }
        out.estimate += mutual_information(views, extra).nats / spec.replicates;
    }
    return out;
}

std::string estimator_bias_table(std::int64_t examples, int views) {
    std::string s = fmt::format(
        "| within-class spread / noise | I(X; Y), nats | bias, homoscedastic | I(X; Y), growing noise | bias, growing "
        "noise |\n|---|---|---|---|---|\n");
    for (double ratio : {0.5, 1.0, 2.0}) {
        MixtureSpec spec;
        spec.examples = examples;
        spec.views = views;
        spec.spread = ratio;
        const MixtureBias homo = estimator_bias(spec);
        spec.growth = 1;
        const MixtureBias grow = estimator_bias(spec);
        s += fmt::format("| {} | {:.3f} | {:+.3f} | {:.3f} | {:+.3f} |\n", ratio, homo.truth, homo.bias(), grow.truth,
                         grow.bias());
    }
    return s;
}

}  // namespace lskd::analysis
