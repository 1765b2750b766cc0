// Corpus BLEU against sacreBLEU's own vectors: test/test_bleu.py and the README of mjpost/sacrebleu (2.x).
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/bleu.hpp"
#include "framework/core/error.hpp"

using namespace lskd::analysis;
using Catch::Matchers::WithinAbs;

namespace {

const std::vector<std::string> kHyps{"The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."};
const std::vector<std::vector<std::string>> kRefs{
    {"The dog bit the man.", "It was not unexpected.", "The man bit him first."},
    {"The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."}};

BleuStatistics stats(std::vector<double> counts, std::vector<double> totals, std::int64_t sys, std::int64_t ref) {
    BleuStatistics s;
    s.counts = std::move(counts);
    s.totals = std::move(totals);
    s.sys_len = sys;
    s.ref_len = ref;
    return s;
}

// sacreBLEU's raw_corpus_bleu: floor smoothing, no tokenization, effective order.
BleuOptions raw(double floor_value) {
    BleuOptions o;
    o.tokenize = BleuTokenize::none;
    o.smoothing = BleuSmoothing::floor;
    o.smooth_value = floor_value;
    o.effective_order = true;
    return o;
}

}  // namespace

TEST_CASE("bleu README example", "[analysis][bleu]") {
    const BleuScore s = corpus_bleu(kHyps, kRefs);
    CHECK_THAT(s.score, WithinAbs(48.530827, 1e-6));
    CHECK(s.sys_len == 17);
    CHECK(s.ref_len == 18);
    CHECK(s.counts == std::vector<double>{14, 7, 5, 3});
    CHECK(s.totals == std::vector<double>{17, 14, 11, 8});
    CHECK_THAT(s.bp, WithinAbs(0.943, 5e-4));
    CHECK_THAT(s.ratio, WithinAbs(0.944, 5e-4));
    CHECK_THAT(s.precisions[1], WithinAbs(50.0, 1e-12));
}

TEST_CASE("bleu README variable references", "[analysis][bleu]") {
    // An empty reference stays a reference of length 0: the first segment's closest length becomes 7.
    auto refs = kRefs;
    refs[0][0] = "";
    const BleuScore s = corpus_bleu(kHyps, refs);
    CHECK(s.ref_len == 19);
    CHECK_THAT(s.score, WithinAbs(29.44, 5e-3));
    CHECK_THAT(s.precisions[3], WithinAbs(12.5, 1e-12));
}

TEST_CASE("bleu corpus cases of test_bleu", "[analysis][bleu]") {
    CHECK(corpus_bleu({"", "", ""}, kRefs).score == 0.0);
    BleuOptions none_tok;
    none_tok.tokenize = BleuTokenize::none;
    CHECK_THAT(corpus_bleu(kHyps, kRefs, none_tok).score, WithinAbs(49.1919566, 1e-6));
    BleuOptions no_smooth;
    no_smooth.smoothing = BleuSmoothing::none;
    CHECK_THAT(corpus_bleu(kHyps, kRefs, no_smooth).score, WithinAbs(48.530827, 1e-6));
}

TEST_CASE("bleu max order cases", "[analysis][bleu]") {
    const std::vector<std::pair<int, double>> cases{{1, 77.65}, {2, 60.50}, {3, 53.93},
                                                    {4, 48.53}, {5, 46.14}, {6, 43.28}};
    for (const auto& [order, expected] : cases) {
        BleuOptions o;
        o.max_order = order;
        CHECK_THAT(corpus_bleu(kHyps, kRefs, o).score, WithinAbs(expected, 0.005));
    }
}

TEST_CASE("bleu statistics case", "[analysis][bleu]") {
    const BleuScore s =
        corpus_bleu({"am I am a character sequence"}, {{"I am a symbol string sequence a a"}}, raw(0.1));
    CHECK(s.counts == std::vector<double>{4, 2, 1, 0});
    CHECK(s.totals == std::vector<double>{6, 5, 4, 3});
    CHECK_THAT(s.score / 100, WithinAbs(0.1555722182, 1e-8));
    CHECK(corpus_bleu({"am I am a character sequence"}, {{"I am a symbol string sequence a a"}}, raw(0.0)).score ==
          0.0);
}

TEST_CASE("bleu compute_bleu scoring case", "[analysis][bleu]") {
    BleuOptions o;
    o.smoothing = BleuSmoothing::none;
    CHECK_THAT(compute_bleu(stats({9, 7, 5, 3}, {10, 8, 6, 4}, 11, 11), o).score / 100, WithinAbs(0.8375922397, 1e-8));
}

TEST_CASE("bleu raw cases", "[analysis][bleu]") {
    CHECK(corpus_bleu({"this is a test", "another test"}, {{"ref1", "ref2"}}, raw(0.01)).score == 0.0);
    CHECK_THAT(corpus_bleu({"this is a test"}, {{"this is a test"}}, raw(0.01)).score / 100, WithinAbs(1.0, 1e-8));
    CHECK_THAT(corpus_bleu({"this is a fest"}, {{"this is a test"}}, raw(0.01)).score / 100,
               WithinAbs(0.223606797749979, 1e-8));
}

TEST_CASE("bleu effective order cases", "[analysis][bleu]") {
    CHECK_THAT(corpus_bleu({"test"}, {{"a test"}}, raw(0.01)).score / 100, WithinAbs(0.3678794411714425, 1e-8));
    CHECK_THAT(corpus_bleu({"a test"}, {{"a test"}}, raw(0.01)).score / 100, WithinAbs(1.0, 1e-8));
    CHECK_THAT(corpus_bleu({"a little test"}, {{"a test"}}, raw(0.01)).score / 100,
               WithinAbs(0.03218297948685433, 1e-8));
}

TEST_CASE("bleu degenerate statistics", "[analysis][bleu]") {
    struct Case {
        std::vector<double> counts, totals;
        std::int64_t sys, ref;
        double floor;
    };
    const std::vector<Case> cases{{{0, 0, 0, 0}, {4, 4, 2, 1}, 0, 1, 0.0}, {{0, 0, 0, 0}, {10, 11, 12, 0}, 14, 10, 0.0},
                                  {{0, 0, 0, 0}, {0, 0, 0, 0}, 0, 0, 0.0}, {{6, 5, 4, 0}, {6, 5, 4, 3}, 6, 6, 0.0},
                                  {{0, 0, 0, 0}, {0, 0, 0, 0}, 0, 0, 0.1}, {{0, 0, 0, 0}, {0, 0, 0, 0}, 1, 5, 0.01}};
    for (const Case& c : cases) {
        BleuOptions o;
        o.smoothing = BleuSmoothing::floor;
        o.smooth_value = c.floor;
        CHECK(compute_bleu(stats(c.counts, c.totals, c.sys, c.ref), o).score == 0.0);
    }
}

TEST_CASE("bleu exp smoothing by hand", "[analysis][bleu]") {
    // Orders 3 and 4 match nothing: they get 100/(2·4) and 100/(4·2); BP = 1.
    const BleuScore s = compute_bleu(stats({5, 2, 0, 0}, {5, 4, 4, 2}, 5, 5), BleuOptions{});
    CHECK_THAT(s.precisions[2], WithinAbs(12.5, 1e-12));
    CHECK_THAT(s.precisions[3], WithinAbs(12.5, 1e-12));
    CHECK_THAT(s.score, WithinAbs(std::pow(100.0 * 50.0 * 12.5 * 12.5, 0.25), 1e-9));
}

TEST_CASE("bleu closest reference ties to the shorter", "[analysis][bleu]") {
    // Hypothesis of 3 words, references of 2 and 4: both 1 away, the shorter (2) counts.
    const BleuStatistics s = bleu_statistics("a b c", {"a b", "a b c d"});
    CHECK(s.ref_len == 2);
    CHECK(s.counts[0] == 3);
    CHECK(s.counts[2] == 1);
}

TEST_CASE("bleu clips counts at the largest reference count", "[analysis][bleu]") {
    // "the" three times; one reference has it twice, the other once: at most 2 match.
    const BleuStatistics s = bleu_statistics("the the the", {"the cat the", "the"});
    CHECK(s.counts[0] == 2);
    CHECK(s.totals[0] == 3);
}

TEST_CASE("bleu refuses mismatched reference sets", "[analysis][bleu]") {
    CHECK_THROWS_AS(corpus_bleu(kHyps, {{"a", "b"}}), lskd::Error);
    CHECK_THROWS_AS(corpus_bleu(kHyps, {}), lskd::Error);
}

TEST_CASE("bleu lowercase", "[analysis][bleu]") {
    BleuOptions lc;
    lc.lowercase = true;
    CHECK_THAT(corpus_bleu({"The DOG bit the \u00c4pfel."}, {{"the dog bit the \u00e4pfel."}}, lc).score,
               WithinAbs(100.0, 1e-9));
    CHECK(corpus_bleu({"The DOG bit the \u00c4pfel."}, {{"the dog bit the \u00e4pfel."}}).score < 50.0);
}
