#include <cmath>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/template_geometry.hpp"
#include "framework/core/error.hpp"

using namespace lskd;
using namespace lskd::analysis;

namespace {

// Templates t0 = (0,0), t1 = (6,0), t2 = (0,8) (|t1 − t2| = 10), points with exact distances:
// (0,0): d = (0, 6, 8); (3,4): d = (5, 5, 5); (6,0): d = (6, 0, 10); (0,8): d = (8, 10, 0).
struct Hand {
    Eigen::MatrixXd templates{{0, 0}, {6, 0}, {0, 8}};
    Eigen::MatrixXd points{{0, 0}, {3, 4}, {6, 0}, {0, 8}, {3, 4}};
    std::vector<int> labels{10, 10, 11, 12, 12};
    std::vector<int> classes{10, 11, 12};
};

void check_hand(const TemplateDistances& r) {
    REQUIRE(r.classes == std::vector<int>{10, 11, 12});
    // Class 10: (0,0) and (3,4) → mean (2.5, 5.5, 6.5), std (2.5, 0.5, 1.5).
    const ClassTemplateDistances& a = r.per_class[0];
    CHECK(a.cls == 10);
    CHECK(a.count == 2);
    CHECK(a.mean[0] == Approx(2.5).epsilon(1e-12));
    CHECK(a.mean[1] == Approx(5.5).epsilon(1e-12));
    CHECK(a.mean[2] == Approx(6.5).epsilon(1e-12));
    CHECK(a.stddev[0] == Approx(2.5).epsilon(1e-12));
    CHECK(a.stddev[1] == Approx(0.5).epsilon(1e-12));
    CHECK(a.stddev[2] == Approx(1.5).epsilon(1e-12));
    CHECK(a.own == Approx(2.5).epsilon(1e-12));
    // Others 5.5 and 6.5: mean 6, std 0.5, relative difference 1/6.
    CHECK(a.others_mean == Approx(6.0).epsilon(1e-12));
    CHECK(a.others_std == Approx(0.5).epsilon(1e-12));
    CHECK(a.others_relative_difference == Approx(1.0 / 6).epsilon(1e-12));
    // Per example: |6 − 8| / 7 and |5 − 5| / 5 → mean 1/7.
    CHECK(a.others_mean_relative_gap == Approx(1.0 / 7).epsilon(1e-12));
    // Class 11: (6,0) alone → d = (6, 0, 10); others 10 (t2) and 6 (t0): mean 8, std 2, relative 4/8.
    const ClassTemplateDistances& b = r.per_class[1];
    CHECK(b.count == 1);
    CHECK(b.own == Approx(0.0).margin(1e-12));
    CHECK(b.stddev[2] == 0.0);
    CHECK(b.others_mean == Approx(8.0).epsilon(1e-12));
    CHECK(b.others_std == Approx(2.0).epsilon(1e-12));
    CHECK(b.others_relative_difference == Approx(0.5).epsilon(1e-12));
    CHECK(b.others_mean_relative_gap == Approx(0.5).epsilon(1e-12));
    // Class 12: (0,8) and (3,4) → mean (6.5, 7.5, 2.5); others 6.5, 7.5: mean 7, relative 1/7;
    // per example |8 − 10| / 9 and 0 → 1/9.
    const ClassTemplateDistances& c = r.per_class[2];
    CHECK(c.own == Approx(2.5).epsilon(1e-12));
    CHECK(c.others_mean == Approx(7.0).epsilon(1e-12));
    CHECK(c.others_relative_difference == Approx(1.0 / 7).epsilon(1e-12));
    CHECK(c.others_mean_relative_gap == Approx(1.0 / 9).epsilon(1e-12));
}

}  // namespace

TEST_CASE("distances to templates, by hand", "[analysis][template]") {
    const Hand h;
    check_hand(distances_to_templates(h.points, h.templates, h.labels, h.classes));
}

TEST_CASE("full-space template distances use [x, 1] and [W_k, b_k]", "[analysis][template]") {
    // With every bias 1 the appended coordinates cancel, so the full-space distances are the hand ones.
    const Hand h;
    RowMatrixF w = RowMatrixF::Zero(13, 2);
    for (int s = 0; s < 3; ++s) w.row(h.classes[static_cast<std::size_t>(s)]) = h.templates.row(s).cast<float>();
    const Eigen::VectorXf b = Eigen::VectorXf::Ones(13);
    const RowMatrixF x = h.points.cast<float>();
    check_hand(template_distances(x, h.labels, w, b, h.classes));
    // A bias of 0 for class 10 adds 1 in the last coordinate: (0,0) is now at distance 1 from its template.
    Eigen::VectorXf b0 = b;
    b0(10) = 0;
    const TemplateDistances r = template_distances(x, h.labels, w, b0, h.classes);
    CHECK(r.per_class[0].mean[0] == Approx((1.0 + std::sqrt(26.0)) / 2).epsilon(1e-12));  // (√1 + √(25+1)) / 2
    CHECK_THROWS_AS(template_distances(RowMatrixF::Zero(5, 3), h.labels, w, b, h.classes), Error);
}

TEST_CASE("distance statistics reject bad input", "[analysis][template]") {
    const Hand h;
    CHECK_THROWS_AS(distances_to_templates(h.points, h.templates, std::vector<int>{10, 10, 11, 12}, h.classes),
                    Error);  // label count
    CHECK_THROWS_AS(distances_to_templates(h.points, h.templates, std::vector<int>{10, 10, 11, 12, 13}, h.classes),
                    Error);  // 13 not in the triple
    CHECK_THROWS_AS(distances_to_templates(h.points, h.templates, std::vector<int>{10, 10, 12, 12, 12}, h.classes),
                    Error);  // class 11 has no example
    CHECK_THROWS_AS(distances_to_templates(h.points, h.templates.topRows(2), h.labels, h.classes), Error);
    CHECK_THROWS_AS(distances_to_templates(h.points, h.templates, h.labels, {10, 11}), Error);
}

TEST_CASE("within/between scatter ratio, by hand", "[analysis][template]") {
    // Class 0 at x ∈ {0, 2}, class 1 at {10, 12}: means 1, 11, grand mean 6.
    // within = 1 + 1 + 1 + 1 = 4; between = 2·25 + 2·25 = 100 → 0.04.
    const Eigen::MatrixXd p{{0}, {2}, {10}, {12}};
    CHECK(scatter_ratio(p, std::vector<int>{0, 0, 1, 1}, {0, 1}) == Approx(0.04).epsilon(1e-14));
    // 2-D, three classes: adding a y offset of 3 to class 2 at (0, 3) and (0, 5) (mean (0, 4)):
    // means (1,0), (11,0), (0,4); grand mean (4, 4/3);
    // within = 2 + 2 + 2 = 6; between = 2·(9 + 16/9) + 2·(49 + 16/9) + 2·(16 + 64/9) = 2·(74 + 96/9) = 169.333…
    const Eigen::MatrixXd q{{0, 0}, {2, 0}, {10, 0}, {12, 0}, {0, 3}, {0, 5}};
    CHECK(scatter_ratio(q, std::vector<int>{0, 0, 1, 1, 2, 2}, {0, 1, 2}) ==
          Approx(6.0 / (2.0 * (74.0 + 96.0 / 9.0))).epsilon(1e-14));
    const Eigen::MatrixXd same{{0}, {2}, {-1}, {3}};  // both class means at 1
    CHECK(scatter_ratio(same, std::vector<int>{0, 0, 1, 1}, {0, 1}) == std::numeric_limits<double>::infinity());
    CHECK_THROWS_AS(scatter_ratio(p, std::vector<int>{0, 0, 1, 2}, {0, 1}), Error);
    CHECK_THROWS_AS(scatter_ratio(p, std::vector<int>{0, 0, 1, 1}, {0, 0}), Error);
    CHECK_THROWS_AS(scatter_ratio(p, std::vector<int>{0, 0, 0, 0}, {0}), Error);
}
