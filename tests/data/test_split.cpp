#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "fixtures.hpp"
#include "framework/data/split.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

TEST_CASE("the validation split is disjoint from training and together they are the whole set", "[data][split]") {
    const ImageSet all = synthetic_set(100, 4, 4, 1, 10, 1);
    const TrainValSplit s = split_validation(all, 25, 7);
    REQUIRE(s.train.size() == 75);
    REQUIRE(s.val.size() == 25);
    std::set<std::int64_t> seen(s.train.original_index.begin(), s.train.original_index.end());
    for (std::int64_t i : s.val.original_index) CHECK(seen.insert(i).second);
    CHECK(seen.size() == 100);
    CHECK(std::is_sorted(s.train.original_index.begin(), s.train.original_index.end()));
    CHECK(std::is_sorted(s.val.original_index.begin(), s.val.original_index.end()));
    // Every example carries its own pixels and label along.
    for (std::size_t p = 0; p < s.val.size(); ++p) {
        const auto i = static_cast<std::size_t>(s.val.original_index[p]);
        CHECK(s.val.labels[p] == all.labels[i]);
        CHECK(std::equal(s.val.image(p).begin(), s.val.image(p).end(), all.image(i).begin()));
    }
}

TEST_CASE("the validation split is fixed by the seed", "[data][split]") {
    const ImageSet all = synthetic_set(100, 2, 2, 1, 10, 1);
    CHECK(split_validation(all, 25, 7).val.original_index == split_validation(all, 25, 7).val.original_index);
    CHECK(split_validation(all, 25, 7).val.original_index != split_validation(all, 25, 8).val.original_index);
}

TEST_CASE("a validation split of 0 keeps all training data, one too large is an error", "[data][split]") {
    const ImageSet all = synthetic_set(10, 2, 2, 1, 2, 1);
    const TrainValSplit s = split_validation(all, 0, 1);
    CHECK(s.val.size() == 0);
    CHECK(s.train.pixels == all.pixels);
    CHECK_THAT(error_message([&] { split_validation(all, 11, 1); }),
               Contains("validation split of 11 examples is larger than the training set (10 examples)"));
}
