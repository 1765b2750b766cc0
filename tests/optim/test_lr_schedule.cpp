#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/optim/lr_schedule.hpp"

using namespace lskd;
using namespace lskd::optim;

TEST_CASE("constant schedule", "[optim][schedule]") {
    const Schedule s = make_schedule("constant", 0.05, 100);
    CHECK(s.kind() == ScheduleKind::constant);
    CHECK(s.lr(0) == 0.05);
    CHECK(s.lr(99) == 0.05);
}

TEST_CASE("multi_step decays by gamma at each milestone step", "[optim][schedule]") {
    const std::vector<std::int64_t> milestones{6, 3};
    const Schedule s = make_schedule("multi_step", 0.1, 10, milestones, 0.1);
    // steps 0–2: 0.1; 3–5: 0.1·0.1 = 0.01; 6–9: 0.01·0.1 = 0.001
    CHECK(s.lr(0) == Approx(0.1));
    CHECK(s.lr(2) == Approx(0.1));
    CHECK(s.lr(3) == Approx(0.01));
    CHECK(s.lr(5) == Approx(0.01));
    CHECK(s.lr(6) == Approx(0.001));
    CHECK(s.lr(9) == Approx(0.001));
    // A repeated milestone decays twice: 0.2 → 0.2·0.5·0.5 = 0.05 at step 4.
    CHECK(Schedule::multi_step(0.2, {4, 4}, 0.5).lr(4) == Approx(0.05));
}

TEST_CASE("cosine follows (1 + cos(π·t/T))/2", "[optim][schedule]") {
    const Schedule s = make_schedule("cosine", 0.1, 4);
    // cos(π/4) = 0.70710678: t=1 → 0.1·1.70710678/2 = 0.085355339; t=3 → 0.1·0.29289322/2 = 0.014644661
    CHECK(s.lr(0) == Approx(0.1));
    CHECK(s.lr(1) == Approx(0.085355339));
    CHECK(s.lr(2) == Approx(0.05));
    CHECK(s.lr(3) == Approx(0.014644661));
    CHECK(s.lr(4) == Approx(0.0).margin(1e-15));
    CHECK(s.lr(7) == Approx(0.0).margin(1e-15));
}

TEST_CASE("linear decays to zero at the last step", "[optim][schedule]") {
    const Schedule s = make_schedule("linear", 0.2, 5);
    // 0.2·(1 − t/5): 0.2, 0.16, …, 0.04, 0
    CHECK(s.lr(0) == Approx(0.2));
    CHECK(s.lr(1) == Approx(0.16));
    CHECK(s.lr(4) == Approx(0.04));
    CHECK(s.lr(5) == Approx(0.0).margin(1e-15));
    CHECK(s.lr(6) == Approx(0.0).margin(1e-15));
}

TEST_CASE("inverse-sqrt warms up linearly then decays as 1/sqrt(t)", "[optim][schedule]") {
    // fairseq's: lr 5e-4, warmup 4 updates from 0: t·5e-4/4 for t < 4, then 5e-4·√4/√t.
    const Schedule s = make_schedule("inverse-sqrt", 5e-4, 100, {}, 0.1, 4);
    CHECK(s.kind() == ScheduleKind::inverse_sqrt);
    CHECK(s.lr(0) == 0.0);  // the first update, as fairseq's, takes warmup-init-lr
    CHECK(s.lr(1) == Approx(1.25e-4));
    CHECK(s.lr(3) == Approx(3.75e-4));
    CHECK(s.lr(4) == Approx(5e-4));
    CHECK(s.lr(16) == Approx(2.5e-4));  // 5e-4·2/4
    CHECK(s.lr(100) == Approx(1e-4));   // 5e-4·2/10
    CHECK(s.lr(400) == Approx(5e-5));   // it does not stop at the run's end
    // From a warmup-init-lr: 1e-4 + t·(5e-4 − 1e-4)/4.
    const Schedule from = Schedule::inverse_sqrt(5e-4, 4, 1e-4);
    CHECK(from.lr(0) == Approx(1e-4));
    CHECK(from.lr(2) == Approx(3e-4));
    CHECK(from.lr(4) == Approx(5e-4));
    CHECK_THROWS_WITH(make_schedule("inverse-sqrt", 5e-4, 100), Catch::Contains("warmup must be > 0 steps, got 0"));
    CHECK_THROWS_WITH(Schedule::inverse_sqrt(5e-4, 4, 1e-3), Catch::Contains("warmup-init-lr must be in [0, 0.0005]"));
}

TEST_CASE("epoch milestones convert to the first step of each epoch", "[optim][schedule]") {
    const std::vector<std::int64_t> epochs{60, 120};
    CHECK(epoch_milestones_to_steps(epochs, 391) == std::vector<std::int64_t>{23460, 46920});
    CHECK_THROWS_AS(epoch_milestones_to_steps(epochs, 0), Error);
}

TEST_CASE("schedule errors name the problem", "[optim][schedule]") {
    CHECK_THROWS_WITH(make_schedule("step", 0.1, 10), Catch::Contains("unknown learning-rate schedule 'step'"));
    const std::vector<std::int64_t> late{60};
    CHECK_THROWS_WITH(make_schedule("multi_step", 0.1, 50, late), Catch::Contains("milestone 60 lies beyond"));
    CHECK_THROWS_AS(make_schedule("cosine", 0.1, 0), Error);
    CHECK_THROWS_AS(make_schedule("cosine", 0.0, 10), Error);
    CHECK_THROWS_AS(Schedule::constant(0.1).lr(-1), Error);
}
