// A run's precision field: a bf16 run records it in its config and its output files, trains to an accuracy close to
// the same run in f32 and differs from it (bf16 really ran); on a CPU without bf16 arithmetic it is refused before
// anything is written, naming the CPU flags.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "distill/run_directory.hpp"
#include "framework/core/error.hpp"
#include "framework/io/h5_file.hpp"
#include "framework/ops/precision.hpp"
#include "tests/distill/run_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;

TEST_CASE("a bf16 run records its precision or is refused", "[distill][bf16]") {
    distill::RunConfig f32 = small_run_config(temp_path("precision_f32"));
    distill::RunConfig bf16 = small_run_config(temp_path("precision_bf16"));
    bf16.precision = "bf16";
    if (!ops::cpu_has_bf16()) {
        WARN("this CPU has neither avx512_bf16 nor amx_bf16: checking the refusal only");
        CHECK_THROWS_WITH(distill::train(bf16, small_dataset(), quiet()),
                          Catch::Contains("avx512_bf16") && Catch::Contains("amx_bf16"));
        CHECK_FALSE(std::filesystem::exists(distill::RunDirectory(bf16.output).checkpoint()));
        return;
    }
    const distill::TrainSummary a = distill::train(f32, small_dataset(), quiet());
    const distill::TrainSummary b = distill::train(bf16, small_dataset(), quiet());
    const distill::RunContents run = distill::load_run(bf16.output);
    CHECK(run.config.precision == "bf16");
    for (const auto& [config, want] : {std::pair{f32, "f32"}, std::pair{bf16, "bf16"}}) {
        const io::H5File outputs = io::H5File::open_read(distill::RunDirectory(config.output).outputs("test"));
        CHECK(outputs.attr_string("/", "precision") == want);
    }
    // bf16 really ran: the parameters differ from f32's.
    const distill::RunContents reference = distill::load_run(f32.output);
    const auto wa = reference.params.at("classifier.weight").values();
    const auto wb = run.params.at("classifier.weight").values();
    CHECK_FALSE(std::equal(wa.begin(), wa.end(), wb.begin(), wb.end()));
    // The 300-example test split: 0.05 is about two binomial standard deviations of one run's accuracy
    // (sqrt(0.8 · 0.2 / 300) = 0.023), far more than bf16's rounding should move it.
    CHECK(std::abs(a.last.at("test_acc") - b.last.at("test_acc")) < 0.05);
}
