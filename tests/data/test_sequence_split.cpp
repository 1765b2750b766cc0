#include <catch2/catch.hpp>

#include <set>

#include "fixtures.hpp"
#include "framework/data/sequence_split.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

namespace {

// Words w0..w{n-1}, every third with a second pronunciation, as homographs are.
ParallelCorpus words(std::size_t n) {
    ParallelCorpus c;
    c.origin = "words";
    for (std::size_t i = 0; i < n; ++i) {
        ParallelExample e{"w" + std::to_string(i), {"p" + std::to_string(i)}};
        if (i % 3 == 0) e.references.push_back("q" + std::to_string(i));
        c.examples.push_back(e);
    }
    return c;
}

std::vector<std::string> sources(const ParallelCorpus& c) {
    std::vector<std::string> s;
    for (const auto& e : c.examples) s.push_back(e.source);
    return s;
}

}  // namespace

TEST_CASE("sequence split partitions by word", "[data][sequence_split]") {
    const ParallelCorpus all = words(100);
    const SequenceSplits s = split_sequences(all, {10, 20, 0}, 5);
    CHECK(s.test.examples.size() == 10);
    CHECK(s.val.examples.size() == 20);
    CHECK(s.train.examples.size() == 70);
    std::set<std::string> seen;
    for (const ParallelCorpus* part : {&s.train, &s.val, &s.test})
        for (const ParallelExample& e : part->examples) {
            CHECK(seen.insert(e.source).second);  // no word in two splits
            const std::size_t i = std::stoul(e.source.substr(1));
            CHECK(e.references == all.examples[i].references);  // a word keeps all its pronunciations
        }
    CHECK(seen.size() == 100);
    CHECK(s.train.origin == "words");
    CHECK(s.train.hash != s.val.hash);
}

TEST_CASE("sequence split is fixed by the seed", "[data][sequence_split]") {
    const ParallelCorpus all = words(100);
    CHECK(sources(split_sequences(all, {10, 20, 0}, 5).val) == sources(split_sequences(all, {10, 20, 0}, 5).val));
    CHECK(sources(split_sequences(all, {10, 20, 0}, 5).val) != sources(split_sequences(all, {10, 20, 0}, 6).val));
    // The test split depends on its size and the seed only.
    CHECK(sources(split_sequences(all, {10, 20, 0}, 5).test) == sources(split_sequences(all, {10, 5, 0}, 5).test));
}

TEST_CASE("sequence split max train nests", "[data][sequence_split]") {
    const ParallelCorpus all = words(100);
    const auto small = sources(split_sequences(all, {10, 10, 20}, 3).train);
    const auto large = sources(split_sequences(all, {10, 10, 40}, 3).train);
    CHECK(small.size() == 20);
    CHECK(large.size() == 40);
    for (const std::string& w : small) CHECK(std::find(large.begin(), large.end(), w) != large.end());
    CHECK(split_sequences(all, {10, 10, 500}, 3).train.examples.size() == 80);
}

TEST_CASE("sequence split too large is an error", "[data][sequence_split]") {
    const ParallelCorpus all = words(10);
    CHECK_THAT(error_message([&] {
                   split_sequences(all, {5, 5, 0}, 1);
               }),
               Contains("words") && Contains("leave no training example"));
    CHECK_THAT(error_message([&] { split_sequences(all, {11, 0, 0}, 1); }), Contains("leave no training example"));
    CHECK(split_sequences(all, {0, 0, 0}, 1).train.examples.size() == 10);
}
