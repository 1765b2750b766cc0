#include <cmath>

#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "study/seed_table.hpp"

using namespace lskd;
using namespace lskd::study;

TEST_CASE("seed cell by hand", "[study][seedtable]") {
    // Mean 2, s = 1, t(0.975, 2) = 4.302653: half-width 4.302653 / √3 = 2.484138.
    CHECK(seed_cell({1, 2, 3}, 3) == "2.000 ± 2.484");
    // One value has no interval; NaN is left out.
    CHECK(seed_cell({0.25, std::nan("")}, 2) == "0.25");
    CHECK(seed_cell({std::nan("")}, 2) == "–");
    CHECK(seed_cell({}, 2) == "–");
    // Mean 11, s = √2, t(0.975, 1) = 12.706205: half-width 12.706205 · √2 / √2 = 12.706.
    CHECK(seed_cell({10, 12}, 1) == "11.0 ± 12.7");
}

TEST_CASE("seed table groups by key", "[study][seedtable]") {
    SeedTable t{{"α"}, {{"WER %", 1}, {"NLL", 2}}, {}};
    t.runs = {{{"0"}, {20, 1.0}}, {{"0.1"}, {18, 1.5}}, {{"0"}, {22, 1.0}}};
    CHECK(render_seed_table(t) == "| α | seeds | WER % | NLL |\n"
                                  "|---|---|---|---|\n"
                                  "| 0 | 2 | 21.0 ± 12.7 | 1.00 ± 0.00 |\n"
                                  "| 0.1 | 1 | 18.0 | 1.50 |\n");
}

TEST_CASE("seed table refuses a short run", "[study][seedtable]") {
    SeedTable t{{"α"}, {{"WER %", 1}}, {{{"0"}, {}}}};
    CHECK_THROWS_AS(render_seed_table(t), Error);
}
