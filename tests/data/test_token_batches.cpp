#include <catch2/catch.hpp>

#include <set>

#include "fixtures.hpp"
#include "framework/core/random.hpp"
#include "framework/data/token_batches.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;
using Ids = std::vector<std::int32_t>;

namespace {

const std::vector<EncodedExample> kThree{{{5, 6}, {7}}, {{5}, {7, 8, 9}}, {{6, 6, 6}, {8}}};

TokenBatchSpec spec(std::size_t sentences, std::size_t tokens, bool shuffle, std::uint64_t seed = 0) {
    TokenBatchSpec s;
    s.max_sentences = sentences;
    s.max_tokens = tokens;
    s.shuffle = shuffle;
    s.seed = seed;
    return s;
}

// n examples of pseudo-random lengths 1..12 (source) and 1..9 (target).
std::vector<EncodedExample> random_examples(std::size_t n) {
    std::vector<EncodedExample> out(n);
    lskd::Rng rng(11);
    for (auto& e : out) {
        e.source.assign(1 + rng.below(12), 5);
        e.target.assign(1 + rng.below(9), 6);
    }
    return out;
}

std::vector<std::vector<std::int64_t>> epoch_batches(TokenBatcher& b, std::uint64_t epoch) {
    std::vector<std::vector<std::int64_t>> out;
    TokenBatch batch;
    b.begin_epoch(epoch);
    while (b.next(batch)) out.push_back(batch.indices);
    return out;
}

}  // namespace

TEST_CASE("token batches contents by hand", "[data][token_batches]") {
    // Sorted by (target, source) length: example 0 (1, 2), example 2 (1, 3), example 1 (3, 1).
    TokenBatcher b(kThree, spec(2, 0, false));
    REQUIRE(b.batches_per_epoch() == 2);
    b.begin_epoch(0);
    TokenBatch t;
    REQUIRE(b.next(t));
    CHECK(t.rows == 2);
    CHECK(t.source_length == 4);
    CHECK(t.target_length == 2);
    CHECK(t.source == Ids{5, 6, 2, 0, 6, 6, 6, 2});
    CHECK(t.decoder_input == Ids{1, 7, 1, 8});
    CHECK(t.target == Ids{7, 2, 8, 2});
    CHECK(t.source_lengths == Ids{3, 4});
    CHECK(t.target_lengths == Ids{2, 2});
    CHECK(t.indices == std::vector<std::int64_t>{0, 2});
    CHECK(t.target_tokens == 4);
    REQUIRE(b.next(t));
    CHECK(t.rows == 1);
    CHECK(t.source == Ids{5, 2});
    CHECK(t.decoder_input == Ids{1, 7, 8, 9});
    CHECK(t.target == Ids{7, 8, 9, 2});
    CHECK(t.target_tokens == 4);
    CHECK_FALSE(b.next(t));
}

TEST_CASE("token batches under a token limit", "[data][token_batches]") {
    // Padded costs: example 0 alone 3, with example 2 2 x 4 = 8; example 2 with example 1 2 x 4 = 8.
    CHECK(epoch_batches(*std::make_unique<TokenBatcher>(kThree, spec(0, 6, false)), 0) ==
          std::vector<std::vector<std::int64_t>>{{0}, {2}, {1}});
    CHECK(epoch_batches(*std::make_unique<TokenBatcher>(kThree, spec(0, 8, false)), 0) ==
          std::vector<std::vector<std::int64_t>>{{0, 2}, {1}});
    // An example over the limit is a batch of its own.
    CHECK(epoch_batches(*std::make_unique<TokenBatcher>(kThree, spec(0, 2, false)), 0).size() == 3);
}

TEST_CASE("token batches order fixed by seed and epoch", "[data][token_batches]") {
    const auto examples = random_examples(200);
    TokenBatcher a(examples, spec(16, 0, true, 3)), b(examples, spec(16, 0, true, 3));
    const auto e0 = epoch_batches(a, 0), e1 = epoch_batches(a, 1);
    CHECK(e0 == epoch_batches(b, 0));
    CHECK(e1 == epoch_batches(b, 1));
    CHECK(e0 != e1);
    CHECK(epoch_batches(a, 0) == e0);  // an epoch replays
    CHECK(e0.size() == a.batches_per_epoch());
    CHECK(e1.size() == a.batches_per_epoch());
    // The same batches every epoch in another order, each example once.
    CHECK(std::multiset(e0.begin(), e0.end()) == std::multiset(e1.begin(), e1.end()));
    std::set<std::int64_t> seen;
    for (const auto& batch : e0)
        for (std::int64_t i : batch) CHECK(seen.insert(i).second);
    CHECK(seen.size() == 200);
    TokenBatcher other(examples, spec(16, 0, true, 4));
    CHECK(epoch_batches(other, 0) != e0);
}

TEST_CASE("token batches group similar lengths", "[data][token_batches]") {
    const auto examples = random_examples(400);
    TokenBatchSpec s = spec(20, 0, true, 1);
    s.chunk = 100;
    TokenBatcher b(examples, s);
    CHECK(b.batches_per_epoch() == 20);  // chunks of 100 cut into 5 batches of 20 each
    b.begin_epoch(0);
    TokenBatch t;
    std::size_t padded = 0, real = 0;
    while (b.next(t)) {
        padded += static_cast<std::size_t>(t.rows * t.target_length);
        real += static_cast<std::size_t>(t.target_tokens);
    }
    // Sorted within chunks of 100, a batch of 20 spans about a fifth of the 9 target lengths.
    CHECK(static_cast<double>(padded) / static_cast<double>(real) < 1.15);
}

TEST_CASE("token batches reuse their storage", "[data][token_batches]") {
    const auto examples = random_examples(300);
    TokenBatcher b(examples, spec(32, 0, true, 2));
    TokenBatch t;
    b.begin_epoch(0);
    REQUIRE(b.next(t));
    const std::int32_t* source = t.source.data();
    const std::int32_t* target = t.target.data();
    const std::int64_t* indices = t.indices.data();
    for (std::uint64_t epoch = 0; epoch < 3; ++epoch) {
        b.begin_epoch(epoch);
        while (b.next(t)) {
            CHECK(t.source.data() == source);
            CHECK(t.target.data() == target);
            CHECK(t.indices.data() == indices);
        }
    }
}

TEST_CASE("token batches bad spec", "[data][token_batches]") {
    CHECK_THAT(error_message([] { TokenBatcher(kThree, spec(0, 0, true)); }), Contains("neither max_sentences"));
    const std::vector<EncodedExample> none;
    CHECK_THAT(error_message([&] { TokenBatcher(none, spec(4, 0, true)); }), Contains("no examples"));
    TokenBatcher b(kThree, spec(2, 0, true));
    TokenBatch t;
    CHECK_THAT(error_message([&] { b.next(t); }), Contains("before begin_epoch"));
}
