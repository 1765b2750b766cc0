#include <vector>

#include <catch2/catch.hpp>

#include "analysis/template_projection.hpp"
#include "framework/core/error.hpp"
#include "framework/core/random.hpp"

using namespace lskd;
using namespace lskd::analysis;

namespace {

RowMatrixF random_matrix(Rng& rng, Eigen::Index rows, Eigen::Index cols) {
    RowMatrixF m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.normal();
    return m;
}

Eigen::VectorXf random_vector(Rng& rng, Eigen::Index n) {
    Eigen::VectorXf v(n);
    for (Eigen::Index i = 0; i < n; ++i) v(i) = rng.normal();
    return v;
}

}  // namespace

TEST_CASE("class templates append the bias", "[analysis][template]") {
    RowMatrixF w(3, 2);
    w << 1, 2, 3, 4, 5, 6;
    Eigen::VectorXf b(3);
    b << 7, 8, 9;
    const Eigen::MatrixXd t = class_templates(w, b, {2, 0, 1});
    Eigen::MatrixXd expected(3, 3);
    expected << 5, 6, 9, 1, 2, 7, 3, 4, 8;
    CHECK(t == expected);
}

TEST_CASE("affine plane of a right triangle, by hand", "[analysis][template]") {
    // Templates [0,0,0], [3,0,0], [0,4,0] (zero bias): vertices (0,0), (3,0), (0,4).
    RowMatrixF w(3, 2);
    w << 0, 0, 3, 0, 0, 4;
    const Eigen::VectorXf b = Eigen::VectorXf::Zero(3);
    const AffinePlane plane = affine_template_plane(w, b, {0, 1, 2});
    Eigen::Matrix<double, 3, 2> vertices;
    vertices << 0, 0, 3, 0, 0, 4;
    CHECK(plane.vertices.isApprox(vertices, 1e-15));
    // x = (1, 1) → [1, 1, 1] − w_a = [1, 1, 1]; the basis is e1, e2, so u = (1, 1): the appended 1 is off-plane.
    RowMatrixF x(1, 2);
    x << 1, 1;
    const Eigen::MatrixXd u = project(plane, x);
    CHECK(u(0, 0) == Approx(1.0).epsilon(1e-15));
    CHECK(u(0, 1) == Approx(1.0).epsilon(1e-15));
}

TEST_CASE("affine plane: orthonormal basis, vertices, in-plane points recovered", "[analysis][template]") {
    Rng rng(42);
    const Eigen::Index k = 6, d = 9;
    const RowMatrixF w = random_matrix(rng, k, d);
    const Eigen::VectorXf b = random_vector(rng, k);
    const std::vector<int> classes{4, 1, 3};
    const AffinePlane plane = affine_template_plane(w, b, classes);
    const Eigen::MatrixXd t = class_templates(w, b, classes);

    CHECK((plane.basis.transpose() * plane.basis).isApprox(Eigen::Matrix2d::Identity(), 1e-14));
    CHECK(plane.origin.isApprox(t.row(0).transpose()));
    CHECK(plane.vertices.row(0).norm() == 0.0);
    CHECK(plane.vertices(1, 0) == Approx((t.row(1) - t.row(0)).norm()).epsilon(1e-13));
    CHECK(plane.vertices(1, 1) == Approx(0.0).margin(1e-13));
    CHECK(plane.vertices(2, 1) > 0);
    // The triangle keeps its side lengths in the plane.
    CHECK((plane.vertices.row(2) - plane.vertices.row(1)).norm() ==
          Approx((t.row(2) - t.row(1)).norm()).epsilon(1e-13));

    // A point w_a + λ(w_b − w_a) + µ(w_c − w_a) whose last coordinate is 1, so it is an activation [x, 1];
    // its coordinates are λ·v_b + µ·v_c.
    const double lambda = 0.3;
    const double mu = (1.0 - t(0, d) - lambda * (t(1, d) - t(0, d))) / (t(2, d) - t(0, d));
    const Eigen::RowVectorXd p = t.row(0) + lambda * (t.row(1) - t.row(0)) + mu * (t.row(2) - t.row(0));
    REQUIRE(p(d) == Approx(1.0).epsilon(1e-12));
    const RowMatrixF x = p.head(d).cast<float>();
    const Eigen::RowVector2d expected = lambda * plane.vertices.row(1) + mu * plane.vertices.row(2);
    const Eigen::MatrixXd u = project(plane, x);
    CHECK(u(0, 0) == Approx(expected(0)).margin(1e-5));  // float activations: ~1e-7 relative
    CHECK(u(0, 1) == Approx(expected(1)).margin(1e-5));
}

TEST_CASE("with unit biases the templates themselves project onto the vertices", "[analysis][template]") {
    Rng rng(3);
    const RowMatrixF w = random_matrix(rng, 5, 4);
    const Eigen::VectorXf b = Eigen::VectorXf::Ones(5);
    const std::vector<int> classes{0, 2, 4};
    const AffinePlane plane = affine_template_plane(w, b, classes);
    RowMatrixF x(3, 4);
    for (int r = 0; r < 3; ++r) x.row(r) = w.row(classes[static_cast<std::size_t>(r)]);
    CHECK(project(plane, x).isApprox(Eigen::MatrixXd(plane.vertices), 1e-6));
}

TEST_CASE("degenerate templates and bad classes are rejected", "[analysis][template]") {
    RowMatrixF w(4, 2);
    w << 0, 0,  //
        1, 1,   //
        3, 3,   // on the line through the first two (biases equal)
        0, 1;
    const Eigen::VectorXf b = Eigen::VectorXf::Zero(4);
    CHECK_THROWS_AS(affine_template_plane(w, b, {0, 1, 2}), Error);  // collinear
    CHECK_NOTHROW(affine_template_plane(w, b, {0, 1, 3}));
    RowMatrixF same = w;
    same.row(1) = same.row(0);
    CHECK_THROWS_AS(affine_template_plane(same, b, {0, 1, 3}), Error);                      // two coincide
    CHECK_THROWS_AS(affine_template_plane(w, b, {0, 1}), Error);                            // fewer than 3 classes
    CHECK_THROWS_AS(affine_template_plane(w, b, {0, 1, 1}), Error);                         // repeated
    CHECK_THROWS_AS(affine_template_plane(w, b, {0, 1, 4}), Error);                         // out of range
    CHECK_THROWS_AS(affine_template_plane(w, Eigen::VectorXf::Zero(3), {0, 1, 3}), Error);  // bias size
    const AffinePlane plane = affine_template_plane(w, b, {0, 1, 3});
    CHECK_THROWS_AS(project(plane, RowMatrixF::Zero(2, 3)), Error);  // activation dimension
    RowMatrixF nan = RowMatrixF::Zero(1, 2);
    nan(0, 1) = std::nanf("");
    CHECK_THROWS_AS(project(plane, nan), Error);
}

TEST_CASE("span plane of unit templates, by hand", "[analysis][template]") {
    // W rows (1,0), (0,1), (0,0) with biases 0, 0, 1: templates e1, e2, e3, so Q = I and Qᵀ[x, 1] = [x, 1].
    RowMatrixF w(3, 2);
    w << 1, 0, 0, 1, 0, 0;
    Eigen::VectorXf b(3);
    b << 0, 0, 1;
    // Fitting points [x, 1] = (2,0,1), (4,0,1) (class 0) and (0,1,1), (0,-1,1) (class 1), (3,0,1) (class 2).
    RowMatrixF x(5, 2);
    x << 2, 0, 4, 0, 0, 1, 0, -1, 3, 0;
    const std::vector<int> labels{0, 0, 1, 1, 2};
    const SpanPlane plane = fit_span_plane(w, b, {0, 1, 2}, x, labels);
    CHECK(plane.basis.isApprox(Eigen::MatrixXd::Identity(3, 3), 1e-15));
    // PCA points: the five above plus the centroids (3,0,1), (0,0,1), (3,0,1); mean (15/8, 0, 1).
    // x values 2,4,0,0,3,3,0,3 → deviations 1/8, 17/8, −15/8 (×3), 9/8 (×3);
    // squares sum (1 + 289 + 225·3 + 81·3)/64 = 1208/64 = 18.875 → variance 18.875 / 8 = 2.359375.
    // y values 0,0,1,−1,0,0,0,0 → variance 2/8; x and y uncorrelated; z constant.
    CHECK(plane.mean.isApprox(Eigen::Vector3d(15.0 / 8, 0, 1), 1e-15));
    CHECK(plane.explained_variance(0) == Approx(2.359375).epsilon(1e-13));
    CHECK(plane.explained_variance(1) == Approx(0.25).epsilon(1e-13));
    CHECK(plane.axes.col(0).isApprox(Eigen::Vector3d(1, 0, 0), 1e-13));
    CHECK(plane.axes.col(1).isApprox(Eigen::Vector3d(0, 1, 0), 1e-13));
    // Template e3 = (0, 0, 1) → (0 − 15/8, 0); e1 → (1 − 15/8, 0); e2 → (−15/8, 1).
    CHECK(plane.vertices(2, 0) == Approx(-15.0 / 8).epsilon(1e-13));
    CHECK(plane.vertices(0, 0) == Approx(-7.0 / 8).epsilon(1e-13));
    CHECK(plane.vertices(1, 1) == Approx(1.0).epsilon(1e-13));
    RowMatrixF v(1, 2);
    v << 5, 2;  // (5, 2, 1) → (5 − 15/8, 2)
    const Eigen::MatrixXd u = project(plane, v);
    CHECK(u(0, 0) == Approx(25.0 / 8).epsilon(1e-13));
    CHECK(u(0, 1) == Approx(2.0).epsilon(1e-13));
}

TEST_CASE("span plane: orthonormal Q spanning the templates, PCA decorrelates the fitting set",
          "[analysis][template]") {
    Rng rng(9);
    const Eigen::Index k = 7, d = 12, n = 60;
    const RowMatrixF w = random_matrix(rng, k, d);
    const Eigen::VectorXf b = random_vector(rng, k);
    const std::vector<int> classes{6, 2, 0};
    RowMatrixF x = random_matrix(rng, n, d);
    std::vector<int> labels(n);
    for (Eigen::Index i = 0; i < n; ++i) labels[static_cast<std::size_t>(i)] = classes[static_cast<std::size_t>(i % 3)];
    const SpanPlane plane = fit_span_plane(w, b, classes, x, labels);

    const Eigen::MatrixXd t = class_templates(w, b, classes);
    CHECK((plane.basis.transpose() * plane.basis).isApprox(Eigen::Matrix3d::Identity(), 1e-14));
    CHECK((plane.basis * plane.basis.transpose() * t.transpose()).isApprox(t.transpose(), 1e-12));
    CHECK((plane.axes.transpose() * plane.axes).isApprox(Eigen::Matrix2d::Identity(), 1e-14));
    CHECK(plane.explained_variance(0) >= plane.explained_variance(1));

    // The fitting set is the activations plus the class-mean activations (projection is affine, so the
    // projected class means are the centroids). Its 2-D coordinates have zero mean and diagonal covariance.
    RowMatrixF all(n + 3, d);
    all.topRows(n) = x;
    for (int s = 0; s < 3; ++s) {
        Eigen::RowVectorXf m = Eigen::RowVectorXf::Zero(d);
        for (Eigen::Index i = s; i < n; i += 3) m += x.row(i);
        all.row(n + s) = m / static_cast<float>(n / 3);
    }
    const Eigen::MatrixXd u = project(plane, all);
    CHECK(u.colwise().mean().norm() == Approx(0.0).margin(1e-6));
    const Eigen::Matrix2d cov = u.transpose() * u / static_cast<double>(u.rows());
    CHECK(cov(0, 1) == Approx(0.0).margin(1e-6));
    CHECK(cov(0, 0) == Approx(plane.explained_variance(0)).epsilon(1e-6));
    CHECK(cov(1, 1) == Approx(plane.explained_variance(1)).epsilon(1e-6));

    // Fitting is deterministic.
    const SpanPlane again = fit_span_plane(w, b, classes, x, labels);
    CHECK(project(again, x) == project(plane, x));
}

TEST_CASE("span plane rejects dependent templates and foreign labels", "[analysis][template]") {
    RowMatrixF w(3, 2);
    w << 1, 0, 0, 1, 1, 1;
    Eigen::VectorXf b(3);
    b << 0, 0, 0;  // w_c = w_a + w_b
    RowMatrixF x(3, 2);
    x << 1, 2, 3, 4, 5, 6;
    CHECK_THROWS_AS(fit_span_plane(w, b, {0, 1, 2}, x, std::vector<int>{0, 1, 2}), Error);
    b(2) = 1;
    CHECK_NOTHROW(fit_span_plane(w, b, {0, 1, 2}, x, std::vector<int>{0, 1, 2}));
    CHECK_THROWS_AS(fit_span_plane(w, b, {0, 1, 2}, x, std::vector<int>{0, 1, 1}), Error);  // class 2 missing
    CHECK_THROWS_AS(fit_span_plane(w, b, {0, 1, 2}, x, std::vector<int>{0, 1}), Error);     // size mismatch
    RowMatrixF w5(5, 2);
    w5.setZero();
    w5.topRows(3) = w;
    Eigen::VectorXf b5 = Eigen::VectorXf::Zero(5);
    b5(2) = 1;
    CHECK_THROWS_AS(fit_span_plane(w5, b5, {0, 1, 2}, x, std::vector<int>{0, 1, 4}), Error);  // 4 not in triple
    CHECK_THROWS_AS(fit_span_plane(RowMatrixF::Identity(3, 1), Eigen::VectorXf::Zero(3), {0, 1, 2},
                                   RowMatrixF::Zero(3, 1), std::vector<int>{0, 1, 2}),
                    Error);  // D + 1 = 2 cannot hold three independent templates
}
