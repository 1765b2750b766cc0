// The data-parallel tests' comparison: one run trained by rank 0 alone, the same trained over every rank.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "distill/trainer.hpp"
#include "framework/distributed/rank_sums.hpp"
#include "tests/distill/run_fixture.hpp"

namespace lskd::testing {

struct AloneAndShared {
    distill::RunConfig alone, shared;  // their outputs: DIR/alone and DIR/shared
};

// Trains `config` on rank 0 alone, then over every rank of `world`; collective. On return rank 0's run files of both
// are complete.
inline AloneAndShared train_alone_and_shared(const distributed::World& world, const distill::RunConfig& config,
                                             const data::Dataset& dataset, const std::filesystem::path& dir) {
    AloneAndShared runs{config, config};
    runs.alone.output = (dir / "alone").string();
    if (world.root()) distill::train(runs.alone, dataset, quiet());
    distributed::sum_over_ranks(world, std::int64_t{0});
    runs.shared.output = (dir / "shared").string();
    distill::TrainOptions options = quiet();
    options.world = &world;
    distill::train(runs.shared, dataset, options);
    distributed::sum_over_ranks(world, std::int64_t{0});  // rank 0's file is complete
    return runs;
}

// The largest absolute difference between the two runs' parameters, which must have the same names and shapes.
inline float worst_parameter_difference(const distill::RunContents& a, const distill::RunContents& b) {
    float worst = 0;
    for (const auto& [name, t] : a.params) {
        const auto x = t.values(), y = b.params.at(name).values();
        REQUIRE(x.size() == y.size());
        for (std::size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::abs(x[i] - y[i]));
    }
    return worst;
}

}  // namespace lskd::testing
