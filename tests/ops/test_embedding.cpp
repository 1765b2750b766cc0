// embedding: rows gathered by id, gradients scatter-added (repeated ids sum), the same bits at 1 and 2 threads,
// and out-of-range ids rejected by name.
#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/ops/sequence_ops.hpp"
#include "framework/runtime/threads.hpp"
#include "tests/ops/gradcheck.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

// Table [4, 3] with entry (r, c) = 3r + c.
Tensor counting_table() {
    Tensor t = Tensor::empty({4, 3});
    for (std::int64_t i = 0; i < 12; ++i) t.at(i) = static_cast<float>(i);
    return t;
}

}  // namespace

TEST_CASE("embedding gathers rows and sums repeated gradients", "[ops][embedding]") {
    // ids [[2, 0], [2, 3], [1, 2]]: output rows 2, 0, 2, 3, 1, 2 of the table. With the incoming gradient of
    // output row k equal to (k + 1)·[1, 10, 100], table row 2 receives rows 0, 2 and 5: (1 + 3 + 6)·[1, 10, 100];
    // row 0 gets 2·[1, 10, 100], row 3 gets 4·[…], row 1 gets 5·[…].
    Variable table(counting_table(), true);
    const std::vector<std::int32_t> ids = {2, 0, 2, 3, 1, 2};
    Variable y = ops::embedding(table, ids, {3, 2});
    REQUIRE(y.shape() == Shape{3, 2, 3});
    for (std::int64_t k = 0; k < 6; ++k)
        for (std::int64_t c = 0; c < 3; ++c) CHECK(y.value().at(k * 3 + c) == static_cast<float>(3 * ids[k] + c));
    Tensor g = Tensor::empty({3, 2, 3});
    for (std::int64_t k = 0; k < 6; ++k)
        for (std::int64_t c = 0; c < 3; ++c)
            g.at(k * 3 + c) = static_cast<float>(k + 1) * (c == 0 ? 1 : c == 1 ? 10 : 100);
    y.backward(g);
    const std::vector<float> per_row = {2, 5, 10, 4};
    for (std::int64_t r = 0; r < 4; ++r)
        for (std::int64_t c = 0; c < 3; ++c)
            CHECK(table.grad().at(r * 3 + c) == per_row[static_cast<std::size_t>(r)] * (c == 0   ? 1
                                                                                        : c == 1 ? 10
                                                                                                 : 100));
}

TEST_CASE("embedding gradients are the same bits at 1 and 2 threads", "[ops][embedding]") {
    // 3000 ids over 50 rows (many repeats) and D = 37, which splits into column blocks with a partial last one.
    Rng rng(12);
    const Tensor table = random_tensor({50, 37}, rng);
    std::vector<std::int32_t> ids(3000);
    for (auto& id : ids) id = static_cast<std::int32_t>(rng.below(50));
    const Tensor g = random_tensor({3000, 37}, rng);
    const int threads_before = runtime::thread_info().threads;
    std::vector<std::vector<float>> outputs, grads;
    for (const int threads : {1, 2}) {
        runtime::init_threads(threads);
        Variable t(table, true);
        Variable y = ops::embedding(t, ids, {3000});
        y.backward(g);
        outputs.emplace_back(y.value().values().begin(), y.value().values().end());
        grads.emplace_back(t.grad().values().begin(), t.grad().values().end());
    }
    runtime::init_threads(threads_before);
    CHECK(outputs[0] == outputs[1]);
    CHECK(grads[0] == grads[1]);
    // And the sums are the right ones: row 7's gradient, summed in double.
    for (std::int64_t c = 0; c < 37; ++c) {
        double want = 0.0;
        for (std::size_t i = 0; i < ids.size(); ++i)
            if (ids[i] == 7) want += g.at(static_cast<std::int64_t>(i) * 37 + c);
        CHECK(grads[0][static_cast<std::size_t>(7 * 37 + c)] == Approx(want).margin(1e-4));
    }
}

TEST_CASE("embedding gradcheck", "[ops][embedding]") {
    Rng rng(8);
    const std::vector<std::int32_t> ids = {4, 1, 1, 0, 4, 4};
    const auto r = gradcheck(
        [&](const std::vector<Variable>& v) {
            return ops::embedding(v[0], ids, {2, 3});
        },
        {Variable(random_tensor({5, 3}, rng), true)});
    CHECK(r.checked == 15);
    CHECK(r.max_rel_error < 1e-3);
}

TEST_CASE("embedding rejects bad ids", "[ops][embedding]") {
    const Variable table(counting_table());
    const std::vector<std::int32_t> high = {0, 1, 4};
    const std::vector<std::int32_t> negative = {-1, 1, 2};
    CHECK_THROWS_WITH(ops::embedding(table, high, {3}),
                      Catch::Contains("id 4 at position 2 is out of range for a table of V = 4 rows"));
    CHECK_THROWS_WITH(ops::embedding(table, negative, {3}), Catch::Contains("id -1 at position 0"));
    CHECK_THROWS_WITH(ops::embedding(table, high, {2, 2}), Catch::Contains("3 ids given for ids shape [2, 2]"));
    CHECK_THROWS_AS(ops::embedding(Variable(Tensor::zeros({12})), high, {3}), Error);
    CHECK_THROWS_AS(ops::embedding(table, std::span<const std::int32_t>(), {0}), Error);
}
