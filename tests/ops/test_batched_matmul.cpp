#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/ops/sequence_ops.hpp"
#include "tests/ops/gradcheck.hpp"
#include "tests/ops/reference.hpp"
#include "tests/ops/thread_bits.hpp"
#include "tests/ops/warm_run.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

// Products of attention: scores q·kᵀ/√d [B·H, Lq, Lk] and the weighted values p·v [B·H, Lq, d]. Their batches are
// even: oneDNN's gemm matmul splits the B·M·N outputs evenly over its threads, and a share that starts inside a
// matrix is computed by row or column pieces whose sums round differently, so the bits at 1 and 2 threads agree
// only when 2 divides the batch (heads come in even numbers).
struct Shape3 {
    std::int64_t batch, m, k, n;
    bool transpose_b;
};
const Shape3 kAttentionShapes[] = {{512, 16, 32, 16, true}, {512, 16, 16, 32, false}, {64, 32, 32, 24, true},
                                   {64, 24, 32, 32, false}, {4, 5, 7, 2, false},      {4, 5, 7, 2, true}};

Tensor b_tensor(const Shape3& s, Rng& rng) {
    return random_tensor(s.transpose_b ? Shape{s.batch, s.n, s.k} : Shape{s.batch, s.k, s.n}, rng);
}

}  // namespace

TEST_CASE("batched_matmul by hand", "[ops][batched_matmul]") {
    // Batch 0: a = [[1, 2, 3], [4, 5, 6]], b = [[1, 0], [2, −1], [0.5, 3]]:
    //   a·b = [[1 + 4 + 1.5, 0 − 2 + 9], [4 + 10 + 3, 0 − 5 + 18]] = [[6.5, 7], [17, 13]].
    // Batch 1: a = [[−1, 0.5, 2], [0, −3, 1]], b = [[2, 1], [−1, 4], [0, 0.5]]:
    //   a·b = [[−2 − 0.5 + 0, −1 + 2 + 1], [0 + 3 + 0, 0 − 12 + 0.5]] = [[−2.5, 2], [3, −11.5]].
    // At scale 0.5 each halves; b stored transposed ([B, N, K]) gives the same products.
    const Tensor a = Tensor::from({2, 2, 3}, std::vector<float>{1, 2, 3, 4, 5, 6, -1, 0.5f, 2, 0, -3, 1});
    const Tensor b = Tensor::from({2, 3, 2}, std::vector<float>{1, 0, 2, -1, 0.5f, 3, 2, 1, -1, 4, 0, 0.5f});
    const Tensor bt = Tensor::from({2, 2, 3}, std::vector<float>{1, 2, 0.5f, 0, -1, 3, 2, -1, 0, 1, 4, 0.5f});
    const std::vector<float> product{6.5f, 7, 17, 13, -2.5f, 2, 3, -11.5f};
    for (const float scale : {1.0f, 0.5f}) {
        for (const bool transpose_b : {false, true}) {
            INFO("scale " << scale << " transpose_b " << transpose_b);
            const Variable c = ops::batched_matmul(Variable(a), Variable(transpose_b ? bt : b), transpose_b, scale);
            REQUIRE(c.shape() == Shape{2, 2, 2});
            for (std::int64_t i = 0; i < 8; ++i) CHECK(c.value().at(i) == scale * product[static_cast<size_t>(i)]);
        }
    }
}

TEST_CASE("batched_matmul matches loops at attention shapes", "[ops][batched_matmul]") {
    Rng rng(31);
    for (const Shape3& s : kAttentionShapes) {
        INFO("B " << s.batch << " M " << s.m << " K " << s.k << " N " << s.n << " transpose_b " << s.transpose_b);
        Variable a(random_tensor({s.batch, s.m, s.k}, rng), true), b(b_tensor(s, rng), true);
        const float scale = 0.17677669f;  // 1/√32
        Variable c = ops::batched_matmul(a, b, s.transpose_b, scale);
        const Tensor g = random_tensor(c.shape(), rng);
        c.backward(g);
        const MatmulRef r = matmul_reference(a.value(), b.value(), s.transpose_b, scale, g);
        CHECK(max_rel_diff(c.value(), r.c) < 1e-5);
        CHECK(max_rel_diff(a.grad(), r.ga) < 1e-5);
        CHECK(max_rel_diff(b.grad(), r.gb) < 1e-5);
    }
}

TEST_CASE("batched_matmul gradients by finite differences", "[ops][batched_matmul]") {
    Rng rng(5);
    for (const bool transpose_b : {false, true}) {
        INFO("transpose_b " << transpose_b);
        const OpFn f = [transpose_b](const std::vector<Variable>& v) {
            return ops::batched_matmul(v[0], v[1], transpose_b, 0.7f);
        };
        const Shape b_shape = transpose_b ? Shape{2, 4, 5} : Shape{2, 5, 4};
        const GradcheckResult r =
            gradcheck(f, {Variable(random_tensor({2, 3, 5}, rng), true), Variable(random_tensor(b_shape, rng), true)});
        CHECK(r.checked == 2 * 3 * 5 + 2 * 5 * 4);
        CHECK(r.max_rel_error < 1e-3);
    }
}

TEST_CASE("batched_matmul gradient of one input alone", "[ops][batched_matmul]") {
    Rng rng(6);
    Variable a(random_tensor({2, 3, 4}, rng), true), b(random_tensor({2, 4, 3}, rng), false);
    Variable c = ops::batched_matmul(a, b);
    const Tensor g = random_tensor(c.shape(), rng);
    c.backward(g);
    CHECK(max_rel_diff(a.grad(), matmul_reference(a.value(), b.value(), false, 1.0f, g).ga) < 1e-5);
    CHECK_FALSE(b.grad().defined());
}

TEST_CASE("batched_matmul rejects mismatched shapes", "[ops][batched_matmul]") {
    const Variable a(Tensor::zeros({2, 3, 4}));
    CHECK_THROWS_WITH(ops::batched_matmul(a, Variable(Tensor::zeros({2, 5, 3}))),
                      Catch::Contains("a [2, 3, 4] does not match b [2, 5, 3]"));
    CHECK_THROWS_WITH(ops::batched_matmul(a, Variable(Tensor::zeros({2, 3, 5})), true),
                      Catch::Contains("b [2, 3, 5] transposed"));
    CHECK_THROWS_AS(ops::batched_matmul(a, Variable(Tensor::zeros({3, 4, 2}))), Error);
    CHECK_THROWS_AS(ops::batched_matmul(Variable(Tensor::zeros({3, 4})), Variable(Tensor::zeros({4, 2}))), Error);
    CHECK_THROWS_WITH(ops::batched_matmul(Variable(Tensor::zeros({2, 3, 0})), Variable(Tensor::zeros({2, 0, 4}))),
                      Catch::Contains("a [2, 3, 0] and b [2, 0, 4] must have no empty dimension"));
    CHECK_THROWS_AS(ops::batched_matmul(Variable(Tensor::zeros({0, 3, 4})), Variable(Tensor::zeros({0, 4, 2}))), Error);
    CHECK_NOTHROW(ops::batched_matmul(a, Variable(Tensor::zeros({2, 5, 4})), true));
}

TEST_CASE("batched_matmul warm run creates nothing", "[ops][batched_matmul][cache]") {
    Rng rng(8);
    Variable q(random_tensor({64, 16, 32}, rng), true), k(random_tensor({64, 16, 32}, rng), true);
    Variable v(random_tensor({64, 16, 32}, rng), true);
    check_warm_run_creates_nothing([&] {
        for (Variable* p : {&q, &k, &v}) p->grad() = Tensor();
        Variable p = ops::batched_matmul(ops::batched_matmul(q, k, true, 0.25f), v);
        p.backward(Tensor::full(p.shape(), 1.0f));
    });
}

TEST_CASE("batched_matmul same bits at 1 and 2 threads", "[ops][batched_matmul]") {
    for (const Shape3& s : kAttentionShapes) {
        INFO("B " << s.batch << " M " << s.m << " K " << s.k << " N " << s.n << " transpose_b " << s.transpose_b);
        check_same_bits_at_1_and_2_threads([&] {
            Rng rng(12);
            Variable a(random_tensor({s.batch, s.m, s.k}, rng), true), b(b_tensor(s, rng), true);
            Variable c = ops::batched_matmul(a, b, s.transpose_b, 0.125f);
            c.backward(random_tensor(c.shape(), rng));
            return std::vector<Tensor>{c.value(), a.grad(), b.grad()};
        });
    }
}

TEST_CASE("batched_matmul odd batch at 1 and 2 threads", "[ops][batched_matmul]") {
    // An odd batch splits a matrix between the two threads (see kAttentionShapes): rounding apart, the same result.
    const auto [one, two] = at_1_and_2_threads([] {
        Rng rng(13);
        Variable a(random_tensor({63, 16, 32}, rng), true), b(random_tensor({63, 16, 32}, rng), true);
        Variable c = ops::batched_matmul(a, b, true, 0.125f);
        c.backward(random_tensor(c.shape(), rng));
        return std::vector<Tensor>{c.value(), a.grad(), b.grad()};
    });
    for (std::size_t i = 0; i < one.size(); ++i) CHECK(max_rel_diff(one[i], two[i]) < 1e-6);
}
