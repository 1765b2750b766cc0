// Quantiles of Student's t and of the standard normal, for the intervals of docs/method.md §13. The t quantile
// inverts the t CDF, written with the regularized incomplete beta function, by bisection: exact to ~1e-12 for any
// degrees of freedom, so no table is needed (t_{0.975,1} = 12.706, t_{0.975,4} = 2.776, → 1.960 as ν grows).
#pragma once

namespace lskd::analysis {

// I_x(a, b) for a, b > 0 and x in [0, 1], by Lentz's continued fraction (Numerical Recipes §6.4).
double regularized_incomplete_beta(double a, double b, double x);

// P(T ≤ t) for Student's t with ν > 0 degrees of freedom: 1 − ½·I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0.
double student_t_cdf(double t, double dof);

// The t with P(T ≤ t) = p, for p in (0, 1).
double student_t_quantile(double p, double dof);

// The z with Φ(z) = p, for p in (0, 1), by bisection on Φ(z) = ½·erfc(−z/√2).
double normal_quantile(double p);

}  // namespace lskd::analysis
