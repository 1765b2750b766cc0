// Levenshtein distances worked by hand.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/edit_distance.hpp"

using lskd::analysis::edit_distance;

namespace {

std::int64_t symbols(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    return edit_distance(std::span<const std::string>(a), std::span<const std::string>(b));
}

}  // namespace

TEST_CASE("edit distance of empty sequences", "[analysis][edit_distance]") {
    CHECK(symbols({}, {}) == 0);
    CHECK(symbols({}, {"aa", "b"}) == 2);
    CHECK(symbols({"aa", "b", "k"}, {}) == 3);
}

TEST_CASE("edit distance kitten sitting", "[analysis][edit_distance]") {
    // k→s, e→i, insert g.
    const std::vector<int> kitten{'k', 'i', 't', 't', 'e', 'n'}, sitting{'s', 'i', 't', 't', 'i', 'n', 'g'};
    CHECK(edit_distance(std::span<const int>(kitten), std::span<const int>(sitting)) == 3);
    CHECK(edit_distance(std::span<const int>(sitting), std::span<const int>(kitten)) == 3);
}

TEST_CASE("edit distance on phone symbols", "[analysis][edit_distance]") {
    // "aa r d v aa r k" vs "aa r v aa k": delete d, delete the second r.
    CHECK(symbols({"aa", "r", "d", "v", "aa", "r", "k"}, {"aa", "r", "v", "aa", "k"}) == 2);
    // Symbols compare whole: "aa" and "a" differ.
    CHECK(symbols({"aa"}, {"a"}) == 1);
    // A swap of two symbols costs two substitutions.
    CHECK(symbols({"t", "ax"}, {"ax", "t"}) == 2);
    CHECK(symbols({"k", "ae", "t"}, {"k", "ae", "t"}) == 0);
}
