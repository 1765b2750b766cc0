// The bench harness's bookkeeping (distill/step_benchmark.hpp), not its timings: with a clock of the test's own,
// which steps are timed and how they are averaged; on a tiny model, how the profiled primitives add up to the
// primitive time, the bound and the overhead share, and the keys `lskd bench --json` prints.
#include <cstdint>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "distill/step_benchmark.hpp"
#include "framework/core/error.hpp"
#include "tests/bench_json_keys.hpp"

using namespace lskd;
using distill::Elapsed;
using testing::kBenchCommonKeys;
using testing::kBenchTrainKeys;

namespace {

std::set<std::string> keys_of(const std::map<std::string, double>& numbers) {
    std::set<std::string> keys;
    for (const auto& [key, value] : numbers) keys.insert(key);
    return keys;
}

distill::StepBenchmarkSpec tiny_spec() {
    distill::StepBenchmarkSpec spec;
    spec.model = "mlp-800";
    spec.batch = 4;
    spec.eval_batch = 8;
    spec.steps = 2;
    spec.warmup = 1;
    spec.threads = 1;
    return spec;
}

void check_sums(const distill::PhaseCost& c) {
    Elapsed primitives, gemm;
    for (const auto& line : c.lines) {
        primitives.wall_s += line.in_step.wall_s;
        primitives.cpu_s += line.in_step.cpu_s;
        if (!line.gemm_like) continue;
        gemm.wall_s += line.alone.wall_s;
        gemm.cpu_s += line.alone.cpu_s;
    }
    CHECK(c.primitives.wall_s == Approx(primitives.wall_s));
    CHECK(c.primitives.cpu_s == Approx(primitives.cpu_s));
    CHECK(c.gemm_alone.wall_s == Approx(gemm.wall_s));
    CHECK(c.gemm_alone.cpu_s == Approx(gemm.cpu_s));
    CHECK(gemm.wall_s > 0);
    CHECK(c.overhead_share() == 1.0 - c.gemm_alone.wall_s / c.step.wall_s);
    CHECK(c.overhead_share_cpu() == 1.0 - c.gemm_alone.cpu_s / c.step.cpu_s);
    CHECK(c.outside_primitives().wall_s == c.profiled_step.wall_s - c.primitives.wall_s);
    CHECK(c.outside_primitives().cpu_s == c.profiled_step.cpu_s - c.primitives.cpu_s);
}

}  // namespace

TEST_CASE("the harness times the steps after the warm-up, then runs the profiled ones", "[distill][bench]") {
    // Each step advances the test's clock: a warm-up step by 100 s, a timed one by 1 s wall and 2 s CPU, a
    // profiled one by 3 s wall and 5 s CPU. Any warm-up step in the timed mean, or a wrong count, shows.
    const std::int64_t warmup = 3, steps = 4;
    std::int64_t calls = 0;
    Elapsed now;
    const distill::Clock clock = [&] { return now; };
    const auto step = [&] {
        const bool warming = calls < warmup, timed = !warming && calls < warmup + steps;
        now.wall_s += warming ? 100.0 : timed ? 1.0 : 3.0;
        now.cpu_s += warming ? 100.0 : timed ? 2.0 : 5.0;
        ++calls;
    };
    const distill::PhaseCost cost = distill::measure_phase(step, warmup, steps, clock);
    CHECK(calls == warmup + steps + distill::kProfiledSteps);
    CHECK(cost.step.wall_s == 1.0);
    CHECK(cost.step.cpu_s == 2.0);
    CHECK(cost.profiled_step.wall_s == Approx(3.0));
    CHECK(cost.profiled_step.cpu_s == Approx(5.0));
    // The step ran no primitive: nothing to split, all of the profiled step lies outside primitives.
    CHECK(cost.lines.empty());
    CHECK(cost.primitives.wall_s == 0.0);
    CHECK(cost.outside_primitives().wall_s == cost.profiled_step.wall_s);

    calls = 0;
    // Without warm-up the first steps are timed: (3 × 100 s + 1 s) / 4.
    CHECK(distill::time_steps(step, 0, steps, clock).wall_s == 75.25);
    CHECK(calls == steps);
}

TEST_CASE("a benchmark's primitives add up to its primitive time and bound, and it prints the documented keys",
          "[distill][bench]") {
    const distill::StepBenchmark r = distill::run_step_benchmark(tiny_spec());
    CHECK(r.threads == 1);
    check_sums(r.train);
    check_sums(r.infer);
    // mlp-800 is three linear layers: the fused inference pass runs one inner product each.
    double gemm_runs = 0;
    for (const auto& line : r.infer.lines)
        if (line.gemm_like) gemm_runs += line.runs_per_step;
    CHECK(gemm_runs == Approx(3.0));
    for (const auto& line : r.train.lines) CHECK(line.runs_per_step >= 1.0);

    std::set<std::string> expected = kBenchCommonKeys;
    expected.insert(kBenchTrainKeys.begin(), kBenchTrainKeys.end());
    const auto numbers = r.numbers();
    CHECK(keys_of(numbers) == expected);
    CHECK(numbers.at("batch") == 4.0);
    CHECK(numbers.at("eval_batch") == 8.0);
    CHECK(numbers.at("train_step_ms") == 1e3 * r.train.step.wall_s);
    CHECK(numbers.at("peak_rss_mib") == r.train.peak_rss_mib);
}

TEST_CASE("an inference-only benchmark runs no training step and prints no train key", "[distill][bench]") {
    distill::StepBenchmarkSpec spec = tiny_spec();
    spec.infer_only = true;
    const distill::StepBenchmark r = distill::run_step_benchmark(spec);
    CHECK(r.train.lines.empty());
    CHECK(r.train.step.wall_s == 0.0);
    CHECK(keys_of(r.numbers()) == kBenchCommonKeys);
    CHECK(r.numbers().at("peak_rss_mib") == r.infer.peak_rss_mib);
}

TEST_CASE("a benchmark with no step or an empty batch is refused, naming the setting", "[distill][bench]") {
    distill::StepBenchmarkSpec spec = tiny_spec();
    spec.steps = 0;
    CHECK_THROWS_WITH(distill::run_step_benchmark(spec), Catch::Contains("the steps (0)"));
    spec = tiny_spec();
    spec.batch = -1;
    CHECK_THROWS_WITH(distill::run_step_benchmark(spec), Catch::Contains("the batch (-1)"));
}
