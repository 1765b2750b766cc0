// The bias of the MI estimator of docs/method.md §8, measured where the truth is known: a two-class Gaussian
// mixture of N example means with views y ~ N(µ_x, σ_x²), whose I(X; Y) is computed by quadrature.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace lskd::analysis {

// Half the N examples have means drawn from N(−separation, spread²), half from N(+separation, spread²); an example's
// views have standard deviation noise·(1 + growth·|µ_x|/separation): growth 0 is homoscedastic, growth 1 doubles
// the noise at a class centre, as hard-target logits whose spread grows with their size may.
struct MixtureSpec {
    std::int64_t examples = 600;  // N
    int views = 5;                // L
    double separation = 4;
    double spread = 1;
    double noise = 1;
    double growth = 0;
    int replicates = 8;  // independent view draws of the same means, averaged
    std::uint64_t seed = 1;
};

struct MixtureBias {
    double truth = 0;     // I(X; Y) of the drawn means, by quadrature
    double estimate = 0;  // mean Î over the replicates
    double bias() const { return estimate - truth; }
};

// I(X; Y) = H(Y) − (1/N)Σ_x ½·log(2πe·σ_x²) for X uniform over the examples, H(Y) by the trapezoid rule on a grid
// of `points` over every component's ±10σ.
double mixture_mutual_information(const Eigen::VectorXd& means, const Eigen::VectorXd& sigmas, int points = 20001);

// Draws the means, then `replicates` sets of L + 1 views each, and compares Î with the truth. Deterministic given
// spec.seed.
MixtureBias estimator_bias(const MixtureSpec& spec);

// The report's table: the bias at N and L for within-class spread / noise ∈ {0.5, 1, 2}, homoscedastic and with
// growing noise (markdown).
std::string estimator_bias_table(std::int64_t examples, int views);

}  // namespace lskd::analysis
