#include <catch2/catch.hpp>

#include "framework/data/corpus_hash.hpp"

using namespace lskd::data;

// The expected digests come from an independent Python implementation of the documented byte layout:
//   fnv = offset basis 0xcbf29ce484222325, h = ((h ^ byte) * 0x100000001b3) mod 2^64
//   bytes = u64le(#examples), then per example u64le(len) source u64le(#refs), per reference u64le(len) reference
TEST_CASE("corpus hash matches the documented layout", "[data][corpus_hash]") {
    CHECK(parallel_corpus_hash({}) == "a8c7f832281a39c5");
    const std::vector<ParallelExample> one{{"ab", {"x y", "z"}}};
    CHECK(parallel_corpus_hash(one) == "fdb215446d77d8cc");
}

TEST_CASE("corpus hash tells apart where strings end", "[data][corpus_hash]") {
    const std::vector<ParallelExample> two{{"ab", {"x y"}}, {"", {"z"}}};
    CHECK(parallel_corpus_hash(two) == "408131c72e27dee3");
    const std::vector<ParallelExample> moved{{"ab", {"x y", ""}}, {"z", {""}}};
    CHECK(parallel_corpus_hash(moved) != parallel_corpus_hash(two));
}
