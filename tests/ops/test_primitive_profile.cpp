// The accounting behind `lskd bench`'s roofline: a PrimitiveProfile counts each primitive a step runs, and
// a primitive re-run alone on fresh memory takes time and leaves the op's own results alone.
#include <catch2/catch.hpp>

#include "framework/dnnl/primitive_cache.hpp"
#include "framework/dnnl/primitive_profile.hpp"
#include "framework/ops/ops.hpp"
#include "tests/ops/gradcheck.hpp"
#include "tests/ops/reference.hpp"

using namespace lskd;
using namespace lskd::testing;

TEST_CASE("a primitive profile counts each primitive's runs and names it", "[ops][profile]") {
    Rng rng(5);
    const Variable x(random_tensor({4, 6}, rng), true);
    const Variable w(random_tensor({3, 6}, rng), true);
    const Variable b(random_tensor({3}, rng), true);
    ops::linear(x, w, b);  // warm: creation happens outside the profile
    CHECK(dnnl_ctx::PrimitiveProfile::active() == nullptr);
    std::vector<dnnl_ctx::PrimitiveRuns> runs;
    {
        dnnl_ctx::PrimitiveProfile profile;
        CHECK(dnnl_ctx::PrimitiveProfile::active() == &profile);
        CHECK_THROWS_WITH(dnnl_ctx::PrimitiveProfile(), Catch::Contains("already active"));
        Variable y = ops::linear(x, w, b);
        y = ops::linear(x, w, b);
        ops::relu(y);
        runs = profile.runs();
    }
    CHECK(dnnl_ctx::PrimitiveProfile::active() == nullptr);
    REQUIRE(runs.size() == 2);  // the linear forward twice, the relu forward once, in order of first run
    CHECK(runs[0].runs == 2);
    CHECK(runs[1].runs == 1);
    CHECK(runs[0].primitive->kind() == dnnl::primitive::kind::inner_product);
    CHECK(runs[1].primitive->kind() == dnnl::primitive::kind::eltwise);
    CHECK(runs[0].primitive->gemm_like());
    CHECK_FALSE(runs[1].primitive->gemm_like());
    CHECK_THAT(runs[0].primitive->description(), Catch::StartsWith("inner_product forward_training"));
    CHECK(runs[0].seconds > 0.0);

    const Tensor before = ops::linear(x, w, b).value().clone();
    const dnnl_ctx::Elapsed alone = runs[0].primitive->time_alone(3);
    CHECK(alone.wall_s > 0.0);
    CHECK(alone.cpu_s >= 0.0);
    CHECK(max_rel_diff(ops::linear(x, w, b).value(), before) == 0.0);
}
