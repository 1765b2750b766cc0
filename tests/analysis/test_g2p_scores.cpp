// WER and PER of G2P output, worked by hand.
#include <catch2/catch.hpp>

#include "analysis/g2p_scores.hpp"
#include "framework/core/error.hpp"

using namespace lskd::analysis;
using Catch::Matchers::WithinAbs;

TEST_CASE("g2p scores of three words", "[analysis][g2p_scores]") {
    // Word 1 exact; word 2 one substitution from its reference; word 3 matches its second reference.
    const std::vector<Pronunciation> hyps{{"k", "ae", "t"}, {"d", "ao", "k"}, {"r", "eh", "d"}};
    const std::vector<std::vector<Pronunciation>> refs{
        {{"k", "ae", "t"}}, {{"d", "ao", "g"}}, {{"r", "iy", "d"}, {"r", "eh", "d"}}};
    const G2pScores s = g2p_scores(hyps, refs);
    CHECK(s.words == 3);
    CHECK(s.word_errors == 1);
    CHECK(s.edits == 1);
    CHECK(s.reference_symbols == 9);
    CHECK_THAT(s.wer, WithinAbs(1.0 / 3, 1e-15));
    CHECK_THAT(s.per, WithinAbs(1.0 / 9, 1e-15));
}

TEST_CASE("g2p scores tie goes to the shorter reference", "[analysis][g2p_scores]") {
    // "a b" is one edit from "a" (length 1) and from "a b c" (length 3): the shorter counts, PER = 1/1.
    const G2pScores s = g2p_scores({{"a", "b"}}, {{{"a", "b", "c"}, {"a"}}});
    CHECK(s.word_errors == 1);
    CHECK(s.edits == 1);
    CHECK(s.reference_symbols == 1);
    CHECK(s.per == 1.0);
}

TEST_CASE("g2p scores closest reference wins over shorter", "[analysis][g2p_scores]") {
    // Distance 0 to the 3-symbol reference beats distance 2 to the 1-symbol one.
    const G2pScores s = g2p_scores({{"a", "b", "c"}}, {{{"a"}, {"a", "b", "c"}}});
    CHECK(s.word_errors == 0);
    CHECK(s.edits == 0);
    CHECK(s.reference_symbols == 3);
}

TEST_CASE("g2p scores of an empty output", "[analysis][g2p_scores]") {
    const G2pScores s = g2p_scores({{}, {"x"}}, {{{"a", "b"}}, {{"x"}}});
    CHECK(s.wer == 0.5);
    CHECK_THAT(s.per, WithinAbs(2.0 / 3, 1e-15));
}

TEST_CASE("g2p scores refuse bad input", "[analysis][g2p_scores]") {
    CHECK_THROWS_AS(g2p_scores({{"a"}}, {}), lskd::Error);
    CHECK_THROWS_AS(g2p_scores({{"a"}}, {{}}), lskd::Error);
    CHECK_THROWS_AS(g2p_scores({}, {}), lskd::Error);
    CHECK_THROWS_AS(g2p_scores({{"a"}}, {{{}}}), lskd::Error);
}
