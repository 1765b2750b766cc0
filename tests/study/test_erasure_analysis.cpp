#include <catch2/catch.hpp>

#include "analysis/erasure.hpp"
#include "distill/run_directory.hpp"
#include "framework/core/error.hpp"
#include "framework/tensor/eigen_view.hpp"
#include "study/erasure_analysis.hpp"
#include "tests/study/study_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;
using namespace lskd::study;

TEST_CASE("erasure: 1 - S and penultimate spread of the records, per class and overall", "[study][erasure]") {
    const std::string path = run_copy("erasure", 0.1);
    const ErasureResult r = analyze_erasure(path);
    CHECK(r.epoch == 3);
    CHECK(r.optimal_gap == Approx(std::log(1 + 10 * 0.9 / 0.1)));

    const distill::RunDirectory run(path);
    const io::H5File f = io::H5File::open_read(run.analysis("erasure"));
    for (const char* split : {"train", "test"}) {
        const io::H5File rec = io::H5File::open_read(run.record(split, 3));
        const Tensor z = rec.read_tensor("/logits", 2);
        const auto l32 = rec.read<std::int32_t>("/labels").values;
        const std::vector<int> labels(l32.begin(), l32.end());
        const double expected = analysis::softmax_intra_class_variance(as_matrix(z), labels).value;
        const std::string g = std::string("/") + split;
        CHECK(f.attr_double(g, "one_minus_s") == expected);
        CHECK(expected > 0);
        CHECK(expected < 1);
        CHECK(f.read<std::int64_t>(g + "/counts").values == std::vector<std::int64_t>(10, 5));
        CHECK(f.shape(g + "/softmax_variance") == io::Dims{10});
        CHECK(f.attr_double(g, "penultimate_relative_variance") > 0);
        CHECK(f.attr_double(g, "penultimate_relative_variance") <= 1);
    }
    CHECK(f.attr_double("/", "alpha") == 0.1);
    CHECK(f.attr_int64("/", "epoch") == 3);
    CHECK(format_table(r).find("Trouser") != std::string::npos);

    const auto before = tree_state(path);
    CHECK_THROWS_WITH(analyze_erasure(path, 2), Catch::Contains("no records of epoch 2"));
    CHECK(tree_state(path) == before);
}
