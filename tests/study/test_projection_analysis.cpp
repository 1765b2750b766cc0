#include <catch2/catch.hpp>

#include "distill/run_directory.hpp"
#include "framework/core/error.hpp"
#include "framework/io/atomic_file.hpp"
#include "framework/tensor/eigen_view.hpp"
#include "study/class_selection.hpp"
#include "study/projection_analysis.hpp"
#include "tests/study/study_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;
using namespace lskd::study;

namespace {

Eigen::MatrixXd read_matrix(const io::H5File& f, const std::string& path) {
    const auto a = f.read<double>(path, 2);
    return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        a.values.data(), a.shape[0], a.shape[1]);
}

// The three templates [W_k, b_k] of `classes` as rows, from the run's checkpoint.
Eigen::MatrixXd stored_templates(const std::string& run, const std::vector<int>& classes) {
    const io::H5File f = io::H5File::open_read(distill::RunDirectory(run).checkpoint());
    const Tensor w = f.read_tensor("/classifier/weight", 2), b = f.read_tensor("/classifier/bias", 1);
    Eigen::MatrixXd t(3, w.dim(1) + 1);
    for (int i = 0; i < 3; ++i) {
        t.row(i).head(w.dim(1)) = as_matrix(w).row(classes[static_cast<std::size_t>(i)]).cast<double>();
        t(i, w.dim(1)) = as_vector(b)(classes[static_cast<std::size_t>(i)]);
    }
    return t;
}

}  // namespace

TEST_CASE("affine projection: orthonormal basis, templates on their vertices, stored for plotting",
          "[study][projection]") {
    const std::string path = run_copy("projection");
    const ProjectionResult r = analyze_projection(path);
    CHECK(r.classes == std::vector<int>{0, 6, 2});  // T-shirt/top, Shirt, Pullover
    CHECK(r.train.coords.rows() == 15);             // 5 records per class
    CHECK(r.val.coords.rows() == 15);
    CHECK(r.test.coords.rows() == 15);

    const distill::RunDirectory run(path);
    const io::H5File f = io::H5File::open_read(run.analysis("projection"));
    const std::string g;  // the analysis is at the file's root
    CHECK(f.attr_string("/", "variant") == "affine");
    CHECK(f.attr_strings("/", "class_names") == std::vector<std::string>{"T-shirt/top", "Shirt", "Pullover"});
    CHECK(f.attr_int64("/", "epoch") == 3);
    CHECK(f.attr_string("/", "construction").find("Gram-Schmidt") != std::string::npos);
    const Eigen::MatrixXd u = read_matrix(f, g + "/basis"), vertices = read_matrix(f, g + "/vertices");
    CHECK((u.transpose() * u - Eigen::Matrix2d::Identity()).cwiseAbs().maxCoeff() < 1e-12);
    const auto origin = f.read<double>(g + "/origin", 1).values;
    const Eigen::Map<const Eigen::VectorXd> w_a(origin.data(), static_cast<Eigen::Index>(origin.size()));
    const Eigen::MatrixXd t = stored_templates(path, r.classes);
    CHECK((t.row(0).transpose() - w_a).cwiseAbs().maxCoeff() < 1e-6);
    for (int k = 0; k < 3; ++k) {
        const Eigen::Vector2d v = u.transpose() * (t.row(k).transpose() - w_a);
        CHECK((v - vertices.row(k).transpose()).cwiseAbs().maxCoeff() < 1e-6);
    }
    CHECK(vertices(0, 0) == 0.0);
    CHECK(vertices(0, 1) == 0.0);
    CHECK(vertices(1, 0) == Approx((t.row(1) - t.row(0)).norm()).epsilon(1e-9));
    CHECK(vertices(1, 1) == Approx(0.0).margin(1e-9));
    CHECK(vertices(2, 1) > 0);
    for (const char* split : {"train", "val", "test"}) {
        const Eigen::MatrixXd coords = read_matrix(f, g + "/" + split + "/coords");
        const auto labels = f.read<std::int32_t>(g + "/" + split + "/labels").values;
        CHECK(coords.rows() == 15);
        CHECK(coords.cols() == 2);
        for (int y : labels) CHECK((y == 0 || y == 6 || y == 2));
        CHECK(f.read<std::int64_t>(g + "/" + split + "/count").values == std::vector<std::int64_t>{5, 5, 5});
        CHECK(f.attr_double("/" + std::string(split), "scatter_ratio") > 0);
        CHECK(f.shape(g + "/" + split + "/distance_mean") == io::Dims{3, 3});
    }
    // A point's coordinates are Uᵀ([x, 1] − w_a), validation points on the plane of the train fit: the first
    // stored row against its record.
    for (const std::string split : {"train", "val"}) {
        const io::H5File rec = io::H5File::open_read(run.record(split, 3));
        const Tensor x = rec.read_tensor("/penultimate", 2);
        const auto labels = rec.read<std::int32_t>("/labels").values;
        const auto first = static_cast<Eigen::Index>(
            std::find_if(labels.begin(), labels.end(), [](int y) { return y == 0 || y == 6 || y == 2; }) -
            labels.begin());
        Eigen::VectorXd x1(x.dim(1) + 1);
        x1.head(x.dim(1)) = as_matrix(x).row(first).transpose().cast<double>();
        x1(x.dim(1)) = 1.0;
        const Eigen::Vector2d expected = u.transpose() * (x1 - w_a);
        CHECK((read_matrix(f, g + "/" + split + "/coords").row(0).transpose() - expected).cwiseAbs().maxCoeff() < 1e-4);
    }

    CHECK(format_table(r).find("scatter ratio") != std::string::npos);
    CHECK(format_table(r).find("\nval ") != std::string::npos);
}

TEST_CASE("span projection: orthonormal Q and PCA axes, classes by index and name", "[study][projection]") {
    const std::string path = run_copy("projection_span");
    const ProjectionResult r = analyze_projection(path, {"trouser,8,Sneaker", ProjectionVariant::span});
    CHECK(r.classes == std::vector<int>{1, 8, 7});
    const io::H5File f = io::H5File::open_read(distill::RunDirectory(path).analysis("projection"));
    const std::string g;  // the analysis is at the file's root
    CHECK(f.attr_string("/", "variant") == "span");
    CHECK(f.read<std::int32_t>(g + "/classes").values == std::vector<std::int32_t>{1, 8, 7});
    const Eigen::MatrixXd q = read_matrix(f, g + "/basis"), axes = read_matrix(f, g + "/pca_axes");
    CHECK(q.cols() == 3);
    CHECK((q.transpose() * q - Eigen::Matrix3d::Identity()).cwiseAbs().maxCoeff() < 1e-12);
    CHECK((axes.transpose() * axes - Eigen::Matrix2d::Identity()).cwiseAbs().maxCoeff() < 1e-12);
    // The vertices are the templates through the same map as the points.
    const Eigen::MatrixXd t = stored_templates(path, r.classes);
    const auto mean = f.read<double>(g + "/pca_mean", 1).values;
    const Eigen::Vector3d centre(mean[0], mean[1], mean[2]);
    const Eigen::MatrixXd vertices = read_matrix(f, g + "/vertices");
    for (int k = 0; k < 3; ++k) {
        const Eigen::Vector2d v = axes.transpose() * (q.transpose() * t.row(k).transpose() - centre);
        CHECK((v - vertices.row(k).transpose()).cwiseAbs().maxCoeff() < 1e-6);
    }
}

TEST_CASE("projection: bad classes or missing records are errors and leave the run unchanged", "[study][projection]") {
    const std::string path = run_copy("projection_bad");
    const auto before = tree_state(path);
    CHECK_THROWS_WITH(analyze_projection(path, {"Trouser,Bag,Jacket"}), Catch::Contains("unknown class 'Jacket'"));
    CHECK_THROWS_WITH(analyze_projection(path, {"Trouser,Bag"}), Catch::Contains("need exactly 3 classes"));
    CHECK_THROWS_WITH(analyze_projection(path, {"Trouser,Bag,bag"}), Catch::Contains("given twice"));
    CHECK_THROWS_WITH(analyze_projection(path, {"0,1,12"}), Catch::Contains("outside [0, 10)"));
    CHECK(tree_state(path) == before);

    std::filesystem::remove_all(distill::RunDirectory(path).records_dir());
    const auto without_records = tree_state(path);
    CHECK_THROWS_WITH(analyze_projection(path), Catch::Contains("no activation records"));
    CHECK(tree_state(path) == without_records);

    const std::string no_classifier = run_copy("projection_no_classifier");
    io::update_atomic(distill::RunDirectory(no_classifier).checkpoint(),
                      [](io::H5File& f) { f.remove("/classifier"); });
    CHECK_THROWS_WITH(analyze_projection(no_classifier), Catch::Contains("/classifier/weight"));
}

TEST_CASE("each Figure-1 triple of a study projects train and validation", "[study][projection]") {
    const std::string path = run_copy("projection_figure1");
    const std::vector<std::string> triples = figure1_triples("fashion-mnist");
    REQUIRE(triples.size() == 2);
    const std::vector<std::vector<std::int32_t>> classes{{1, 8, 7}, {6, 0, 1}};  // by their names' indices
    for (std::size_t i = 0; i < triples.size(); ++i) {
        const std::string group = i == 0 ? "projection" : "projection_2";
        analyze_projection(path, {triples[i], ProjectionVariant::affine, group});
        const io::H5File f = io::H5File::open_read(distill::RunDirectory(path).analysis(group));
        CHECK(f.read<std::int32_t>("/classes").values == classes[i]);
        for (const std::string split : {"train", "val"}) {
            const std::string g = "/" + split;
            CHECK(f.shape(g + "/coords") == io::Dims{15, 2});
            const auto labels = f.read<std::int32_t>(g + "/labels").values;
            for (std::int32_t c : classes[i]) CHECK(std::count(labels.begin(), labels.end(), c) == 5);
        }
    }
}

TEST_CASE("projection needs validation records and names the file that has none", "[study][projection]") {
    const std::string path = run_copy("projection_no_val");
    for (std::int64_t epoch : distill::RunDirectory(path).recorded_epochs("val"))
        std::filesystem::remove(distill::RunDirectory(path).record("val", epoch));
    const auto before = tree_state(path);
    CHECK_THROWS_WITH(analyze_projection(path),
                      Catch::Contains(path) && Catch::Contains("no validation records of epoch 3"));
    CHECK(tree_state(path) == before);
}

TEST_CASE("a second triple goes to its own file beside the first", "[study][projection]") {
    const std::string path = run_copy("projection_two");
    analyze_projection(path);
    const ProjectionResult second =
        analyze_projection(path, {"Shirt,T-shirt/top,Trouser", ProjectionVariant::affine, "projection_2"});
    CHECK(second.classes == std::vector<int>{6, 0, 1});
    const distill::RunDirectory run(path);
    CHECK(io::H5File::open_read(run.analysis("projection")).attr_strings("/", "class_names") ==
          std::vector<std::string>{"T-shirt/top", "Shirt", "Pullover"});
    CHECK(io::H5File::open_read(run.analysis("projection_2")).attr_strings("/", "class_names") ==
          std::vector<std::string>{"Shirt", "T-shirt/top", "Trouser"});
}
