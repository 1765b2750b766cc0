// The loss L = (1/N) Σ_i −Σ_k q_ik log p_ik with p = softmax(z/T), on a 2×3 example worked out by hand.
// Its gradient is dL/dz = ((Σ_k q_ik) p_i − q_i) / (N·T), i.e. (p − q)/(N·T) when each q row sums to 1.
#include <iomanip>

#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/ops/ops.hpp"

using namespace lskd;

namespace {

const std::vector<float> kLogits = {1, 2, 3, 0, 0, 0};

// Tolerances: oneDNN's jit log-softmax is accurate to a few 1e-6 relative (measured: loss off by 2e-6,
// gradients by up to 1e-6), far below the differences the hand values would reveal.
void check(const std::vector<float>& q, float temperature, double loss, const std::vector<double>& grad) {
    Variable z(Tensor::from({2, 3}, kLogits), true);
    Variable l = ops::soft_target_cross_entropy(z, Tensor::from({2, 3}, q), temperature);
    REQUIRE(l.shape() == Shape{1});
    INFO(std::setprecision(10) << "T " << temperature << " loss " << l.value().at(0) << " expected " << loss);
    CHECK(l.value().at(0) == Approx(loss).epsilon(1e-5));
    l.backward();
    for (std::int64_t i = 0; i < 6; ++i) {
        INFO(std::setprecision(10) << "gradient " << i << " " << z.grad().at(i) << " expected "
                                   << grad[static_cast<std::size_t>(i)]);
        CHECK(z.grad().at(i) == Approx(grad[static_cast<std::size_t>(i)]).margin(2e-6));
    }
}

}  // namespace

TEST_CASE("soft-target cross-entropy at T = 1, worked by hand", "[ops][loss]") {
    // Row 0: z = [1, 2, 3]. e^1 = 2.718281828, e^2 = 7.389056099, e^3 = 20.085536923; Σ = 30.192874851,
    //   log Σ = 3.407605964, p = [0.090030573, 0.244728471, 0.665240956].
    //   q = [0, 0, 1]: −Σ q log p = −log p_3 = −(3 − 3.407605964) = 0.407605964.
    // Row 1: z = [0, 0, 0], p = 1/3 each; q = 1/3 each: −Σ q log p = log 3 = 1.098612289.
    // L = (0.407605964 + 1.098612289) / 2 = 0.753109127.
    // dL/dz row 0 = (p − q)/(2·1) = [0.090030573, 0.244728471, −0.334759044]/2
    //             = [0.045015287, 0.122364236, −0.167379522]; row 1 = (1/3 − 1/3)/2 = 0.
    const float third = 1.0f / 3.0f;
    check({0, 0, 1, third, third, third}, 1.0f, 0.753109127, {0.045015287, 0.122364236, -0.167379522, 0, 0, 0});
}

TEST_CASE("soft-target cross-entropy at T = 4, worked by hand", "[ops][loss]") {
    // Row 0: z/T = [0.25, 0.5, 0.75]. e^0.25 = 1.284025417, e^0.5 = 1.648721271, e^0.75 = 2.117000017;
    //   Σ = 5.049746705, log Σ = 1.619338084, p = [0.254275213, 0.326495836, 0.419228952].
    //   −log p_3 = −(0.75 − 1.619338084) = 0.869338084.
    // Row 1: p = 1/3 each (z/T = 0), −Σ q log p = log 3 = 1.098612289.
    // L = (0.869338084 + 1.098612289) / 2 = 0.983975187.
    // dL/dz row 0 = (p − q)/(N·T) = [0.254275213, 0.326495836, −0.580771048]/8
    //             = [0.031784402, 0.040811979, −0.072596381]; row 1 = 0.
    const float third = 1.0f / 3.0f;
    check({0, 0, 1, third, third, third}, 4.0f, 0.983975187, {0.031784402, 0.040811979, -0.072596381, 0, 0, 0});
}

TEST_CASE("soft-target cross-entropy with targets that do not sum to 1", "[ops][loss]") {
    // q = [[0.5, 0, 1], [0, 0, 0]]: Σq = 1.5 in row 0 and 0 in row 1 (which then contributes nothing).
    // T = 1: log p = z − 3.407605964 = [−2.407605964, −1.407605964, −0.407605964];
    //   L = −(0.5·(−2.407605964) + 1·(−0.407605964)) / 2 = (1.203802982 + 0.407605964)/2 = 0.805704473.
    //   dL/dz row 0 = (1.5·p − q)/2 = ([0.135045860, 0.367092707, 0.997861434] − [0.5, 0, 1])/2
    //               = [−0.182477070, 0.183546353, −0.001069283].
    check({0.5f, 0, 1, 0, 0, 0}, 1.0f, 0.805704473, {-0.182477070, 0.183546353, -0.001069283, 0, 0, 0});
    // T = 4: log p = z/T − 1.619338084 = [−1.369338084, −1.119338084, −0.869338084];
    //   L = (0.5·1.369338084 + 0.869338084)/2 = (0.684669042 + 0.869338084)/2 = 0.777003563.
    //   dL/dz row 0 = (1.5·p − q)/8 = ([0.381412819, 0.489743754, 0.628843427] − [0.5, 0, 1])/8
    //               = [−0.014823398, 0.061217969, −0.046394572].
    check({0.5f, 0, 1, 0, 0, 0}, 4.0f, 0.777003563, {-0.014823398, 0.061217969, -0.046394572, 0, 0, 0});
}

TEST_CASE("soft-target cross-entropy rejects a non-positive temperature and bad shapes", "[ops][loss]") {
    Variable z(Tensor::from({2, 3}, kLogits), true);
    const Tensor q = Tensor::full({2, 3}, 1.0f / 3.0f);
    CHECK_THROWS_WITH(ops::soft_target_cross_entropy(z, q, 0.0f), Catch::Contains("temperature must be > 0"));
    CHECK_THROWS_AS(ops::soft_target_cross_entropy(z, q, -1.0f), Error);
    CHECK_THROWS_AS(ops::soft_target_cross_entropy(z, Tensor::full({3, 2}, 0.5f), 1.0f), Error);
}
