#include <catch2/catch.hpp>

#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/ops/ops.hpp"
#include "tests/ops/gradcheck.hpp"
#include "tests/ops/op_cases.hpp"
#include "tests/ops/reference.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

struct PoolConfig {
    std::int64_t n, h, w, c, k, stride, pad;
};

const std::vector<PoolConfig> kConfigs = {
    {2, 4, 4, 3, 2, 2, 0}, {2, 5, 5, 3, 3, 2, 1}, {1, 6, 5, 4, 3, 1, 1}, {2, 7, 7, 16, 3, 2, 0}, {1, 5, 6, 2, 2, 1, 1},
};

}  // namespace

TEST_CASE("max_pool2d forward and backward match a naive loop, padding included", "[ops][pool]") {
    std::uint64_t seed = 1;
    for (const auto& cfg : kConfigs) {
        INFO("H " << cfg.h << " W " << cfg.w << " k " << cfg.k << " stride " << cfg.stride << " pad " << cfg.pad);
        Rng rng(seed++);
        // Negative values everywhere, so a padded position would win if padding counted as zero.
        Tensor xt = distinct_values({cfg.n, cfg.h, cfg.w, cfg.c}, rng, 0.01f);
        for (auto& v : xt.values()) v -= 10.0f;
        Variable x(xt, true);
        const ops::Pool2dOptions opts{.kernel = cfg.k, .stride = cfg.stride, .padding = cfg.pad};
        Variable y = ops::max_pool2d(x, opts);
        Tensor g = random_tensor(y.shape(), rng);
        const PoolRef ref = pool2d_reference(x.value(), true, cfg.k, cfg.stride, cfg.pad, &g);
        REQUIRE(y.shape() == ref.y.shape());
        CHECK(max_rel_diff(y.value(), ref.y) == 0.0);
        y.backward(g);
        CHECK(max_rel_diff(x.grad(), ref.gx) < 1e-6);

        Variable frozen(xt);  // inference primitive, no workspace
        const Variable yi = ops::max_pool2d(frozen, opts);
        CHECK_FALSE(yi.requires_grad());
        CHECK(max_rel_diff(yi.value(), ref.y) == 0.0);
    }
}

TEST_CASE("avg_pool2d counts padding in the divisor and matches a naive loop", "[ops][pool]") {
    std::uint64_t seed = 50;
    for (const auto& cfg : kConfigs) {
        INFO("H " << cfg.h << " W " << cfg.w << " k " << cfg.k << " stride " << cfg.stride << " pad " << cfg.pad);
        Rng rng(seed++);
        Variable x(random_tensor({cfg.n, cfg.h, cfg.w, cfg.c}, rng), true);
        const ops::Pool2dOptions opts{.kernel = cfg.k, .stride = cfg.stride, .padding = cfg.pad};
        Variable y = ops::avg_pool2d(x, opts);
        Tensor g = random_tensor(y.shape(), rng);
        const PoolRef ref = pool2d_reference(x.value(), false, cfg.k, cfg.stride, cfg.pad, &g);
        REQUIRE(y.shape() == ref.y.shape());
        CHECK(max_rel_diff(y.value(), ref.y) < 1e-6);
        y.backward(g);
        CHECK(max_rel_diff(x.grad(), ref.gx) < 1e-6);
        NoGradGuard no_grad;
        CHECK(max_rel_diff(ops::avg_pool2d(x, opts).value(), ref.y) < 1e-6);
    }
    // A corner window of a 3×3 kernel with padding 1 sees 4 ones: include-padding gives 4/9, not 1.
    Variable ones(Tensor::full({1, 2, 2, 1}, 1.0f));
    const Variable y = ops::avg_pool2d(ones, {.kernel = 3, .stride = 1, .padding = 1});
    for (float v : y.value().values()) CHECK(v == Approx(4.0f / 9.0f));
}

TEST_CASE("global_avg_pool averages each channel of NHWC into [N, C]", "[ops][pool]") {
    Rng rng(7);
    for (const Shape& s : {Shape{2, 3, 4, 5}, Shape{3, 1, 1, 4}, Shape{2, 8, 8, 64}}) {
        INFO("input " << s.str());
        Variable x(random_tensor(s, rng), true);
        Variable y = ops::global_avg_pool(x);
        REQUIRE(y.shape() == Shape{s[0], s[3]});
        const double hw = static_cast<double>(s[1] * s[2]);
        Tensor ref = Tensor::empty({s[0], s[3]});
        for (std::int64_t n = 0; n < s[0]; ++n)
            for (std::int64_t c = 0; c < s[3]; ++c) {
                double acc = 0.0;
                for (std::int64_t i = 0; i < s[1]; ++i)
                    for (std::int64_t j = 0; j < s[2]; ++j) acc += x.value().at(nhwc(s, n, i, j, c));
                ref.at(n * s[3] + c) = static_cast<float>(acc / hw);
            }
        CHECK(max_rel_diff(y.value(), ref) < 1e-6);
        Tensor g = random_tensor(y.shape(), rng);
        y.backward(g);
        Tensor gref = Tensor::empty(s);
        for (std::int64_t n = 0; n < s[0]; ++n)
            for (std::int64_t i = 0; i < s[1]; ++i)
                for (std::int64_t j = 0; j < s[2]; ++j)
                    for (std::int64_t c = 0; c < s[3]; ++c)
                        gref.at(nhwc(s, n, i, j, c)) = static_cast<float>(g.at(n * s[3] + c) / hw);
        CHECK(max_rel_diff(x.grad(), gref) < 1e-6);
    }
}

TEST_CASE("pooling ops reject bad arguments with clear errors", "[ops][pool]") {
    Variable x(Tensor::zeros({1, 4, 4, 2}));
    CHECK_THROWS_WITH(ops::max_pool2d(Variable(Tensor::zeros({4, 4})), {}), Catch::Contains("input must be NHWC"));
    CHECK_THROWS_WITH(ops::avg_pool2d(x, {.kernel = 0}), Catch::Contains("kernel must be >= 1"));
    CHECK_THROWS_WITH(ops::max_pool2d(x, {.kernel = 2, .stride = 0}), Catch::Contains("stride must be >= 1"));
    CHECK_THROWS_WITH(ops::max_pool2d(x, {.kernel = 2, .stride = 1, .padding = 2}),
                      Catch::Contains("padding must be in"));
    CHECK_THROWS_WITH(ops::avg_pool2d(x, {.kernel = 5, .stride = 1, .padding = 0}),
                      Catch::Contains("larger than the padded input"));
    CHECK_THROWS_WITH(ops::global_avg_pool(Variable(Tensor::zeros({2, 3}))), Catch::Contains("input must be NHWC"));
}
