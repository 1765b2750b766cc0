#include <catch2/catch.hpp>

#include <algorithm>

#include "fixtures.hpp"
#include "framework/data/subset.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

namespace {

std::vector<std::int32_t> labels_at(const std::vector<std::int32_t>& labels, const std::vector<std::size_t>& pos) {
    std::vector<std::int32_t> out;
    for (std::size_t p : pos) out.push_back(labels[p]);
    return out;
}

}  // namespace

TEST_CASE("the stratified subset has k of every class, sorted, fixed by seed", "[data][subset]") {
    std::vector<std::int32_t> labels;
    for (int i = 0; i < 200; ++i) labels.push_back((i * 7) % 4 == 3 ? 3 : i % 3);  // uneven classes
    const auto s = stratified_subset(labels, 4, 5, 11);
    REQUIRE(s.size() == 20);
    CHECK(std::is_sorted(s.begin(), s.end()));
    CHECK(std::adjacent_find(s.begin(), s.end()) == s.end());
    const auto counts = class_counts(labels_at(labels, s), 4);
    CHECK(counts == std::vector<std::size_t>{5, 5, 5, 5});
    CHECK(stratified_subset(labels, 4, 5, 11) == s);
    CHECK(stratified_subset(labels, 4, 5, 12) != s);
    // k per class is contained in k+1 per class, so growing a record set keeps its examples.
    const auto bigger = stratified_subset(labels, 4, 6, 11);
    CHECK(std::includes(bigger.begin(), bigger.end(), s.begin(), s.end()));
}

TEST_CASE("the stratified subset refuses a class with fewer than k examples", "[data][subset]") {
    const std::vector<std::int32_t> labels{0, 0, 0, 1, 1, 2};
    CHECK_THAT(error_message([&] { stratified_subset(labels, 3, 2, 0); }), Contains("class 2 has only 1 examples"));
    CHECK_THAT(error_message([&] { stratified_subset(labels, 4, 1, 0); }), Contains("class 3 has only 0 examples"));
    const std::vector<std::int32_t> bad{0, 5};
    CHECK_THAT(error_message([&] { stratified_subset(bad, 3, 1, 0); }), Contains("label 5 at position 1"));
}

TEST_CASE("the balanced subset spreads n over the classes", "[data][subset]") {
    std::vector<std::int32_t> labels;
    for (int i = 0; i < 100; ++i) labels.push_back(i < 4 ? 0 : 1 + i % 3);  // class 0 has only 4 examples
    const auto s = balanced_subset(labels, 4, 23, 3);
    REQUIRE(s.size() == 23);
    CHECK(std::is_sorted(s.begin(), s.end()));
    const auto counts = class_counts(labels_at(labels, s), 4);
    CHECK(counts[0] == 4);  // all it has
    CHECK(std::max({counts[1], counts[2], counts[3]}) - std::min({counts[1], counts[2], counts[3]}) <= 1);
    CHECK(balanced_subset(labels, 4, 1000, 3).size() == 100);
}
