#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/erasure.hpp"
#include "framework/core/error.hpp"

using namespace lskd;
using namespace lskd::analysis;

TEST_CASE("intra-class variance of features, by hand, skipping an empty class", "[analysis][erasure]") {
    // Class 0: (0,0), (2,0) → mean (1,0), squared deviations 1, 1 → variance 1.
    // Class 1: (1,1), (1,3), (1,5) → mean (1,3), squared deviations 4, 0, 4 → variance 8/3.
    // Class 2: no examples, skipped. Mean over the 2 classes used: (1 + 8/3)/2 = 11/6.
    RowMatrixF x(5, 2);
    x << 0, 0, 1, 1, 2, 0, 1, 3, 1, 5;
    const std::vector<int> labels{0, 1, 0, 1, 1};
    const IntraClassVariance v = intra_class_variance(x, labels, 3);
    CHECK(v.classes_used == 2);
    REQUIRE(v.per_class.size() == 2);
    CHECK(v.per_class[0].cls == 0);
    CHECK(v.per_class[0].count == 2);
    CHECK(v.per_class[0].variance == Approx(1.0).epsilon(1e-15));
    CHECK(v.per_class[1].cls == 1);
    CHECK(v.per_class[1].count == 3);
    CHECK(v.per_class[1].variance == Approx(8.0 / 3).epsilon(1e-15));
    CHECK(v.value == Approx(11.0 / 6).epsilon(1e-15));
}

TEST_CASE("Shen's 1 − S on softmax outputs, by hand", "[analysis][erasure]") {
    // Class 0: p = (0.6, 0.2, 0.2), (0.8, 0.1, 0.1) → mean (0.7, 0.15, 0.15); each deviates by
    // (∓0.1, ±0.05, ±0.05) → ‖·‖² = 0.01 + 0.0025 + 0.0025 = 0.015 → variance 0.015.
    // Class 1: one example → variance 0. Class 2 (K = 3) empty. 1 − S = (0.015 + 0)/2 = 0.0075.
    RowMatrixF z(3, 3);
    const double probs[3][3] = {{0.6, 0.2, 0.2}, {0.2, 0.6, 0.2}, {0.8, 0.1, 0.1}};
    for (int i = 0; i < 3; ++i)
        for (int k = 0; k < 3; ++k) z(i, k) = static_cast<float>(std::log(probs[i][k]));
    const IntraClassVariance v = softmax_intra_class_variance(z, std::vector<int>{0, 1, 0});
    CHECK(v.classes_used == 2);
    CHECK(v.per_class[0].variance == Approx(0.015).margin(1e-7));
    CHECK(v.per_class[1].variance == 0.0);
    CHECK(v.value == Approx(0.0075).margin(1e-7));
}

TEST_CASE("identical outputs within each class have no spread", "[analysis][erasure]") {
    RowMatrixF z(4, 2);
    z << 3, 1, 0, 2, 3, 1, 0, 2;
    CHECK(softmax_intra_class_variance(z, std::vector<int>{0, 1, 0, 1}).value == 0.0);
}

TEST_CASE("erasure rejects bad input", "[analysis][erasure]") {
    RowMatrixF x = RowMatrixF::Zero(2, 2);
    CHECK_THROWS_AS(intra_class_variance(x, std::vector<int>{0, 2}, 2), Error);  // label out of range
    CHECK_THROWS_AS(intra_class_variance(x, std::vector<int>{0}, 2), Error);     // count
    CHECK_THROWS_AS(intra_class_variance(RowMatrixF(0, 2), std::vector<int>{}, 2), Error);
    CHECK_THROWS_AS(intra_class_variance(x, std::vector<int>{0, 0}, 0), Error);
    x(0, 0) = std::nanf("");
    CHECK_THROWS_AS(intra_class_variance(x, std::vector<int>{0, 1}, 2), Error);
    CHECK_THROWS_AS(softmax_intra_class_variance(x, std::vector<int>{0, 1}), Error);
}
