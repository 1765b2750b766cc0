// The plan's arithmetic, worked by hand: the work a run does from its config, the seconds it costs from measured
// costs, the wall time over parallel slots, and the plan's text.
#include <catch2/catch.hpp>

#include "study/sweep_config.hpp"
#include "study/sweep_estimate.hpp"
#include "study/sweep_plan.hpp"

using namespace lskd;
using namespace lskd::study;

namespace {

distill::RunConfig three_epochs() {
    distill::RunConfig c;
    c.epochs = 3;
    c.batch = 64;
    c.eval_every = 2;
    c.mi_every = 1;
    c.mi_early = 2;
    c.record_per_class = 2;
    return c;
}

RunCost hand_cost() {
    RunCost c;
    c.step_seconds = 0.01;
    c.eval_example_seconds = 0.001;
    c.metric_call_seconds = 0.5;
    c.setup_seconds = 0.2;
    c.write_seconds = 0.1;
    c.load_seconds = 0.25;
    return c;
}

}  // namespace

TEST_CASE("a run's work is counted from its epochs, batches, scored epochs, records and metric calls",
          "[study][estimate]") {
    const RunWork w = run_work(three_epochs(), {600, 200, 300, 10}, true);
    CHECK(w.epochs == 3);
    CHECK(w.steps == 30);  // 3 × ⌈600 / 64⌉ = 3 × 10
    // Epochs 2 and 3 (the last) score: 2 × (200 + 300); the last records 2 per class of 10 in 3 splits: 60.
    CHECK(w.eval_examples == 1060);
    CHECK(w.metric_calls == 6);  // epoch 0, 2 early points, epochs 1, 2, 3

    distill::RunConfig every_other = three_epochs();
    every_other.mi_every = 2;
    every_other.mi_early = 0;
    CHECK(run_work(every_other, {600, 200, 300, 10}, true).metric_calls == 3);  // epoch 0, epoch 2, the last
    CHECK(run_work(three_epochs(), {600, 200, 300, 10}, false).metric_calls == 0);
    distill::RunConfig every_epoch = three_epochs();
    every_epoch.eval_every = 1;
    // No validation split: 3 × 100 test examples, and 2 per class of 10 in 2 splits recorded once.
    CHECK(run_work(every_epoch, {640, 0, 100, 10}, false).eval_examples == 340);
    CHECK(run_work(every_epoch, {640, 0, 100, 10}, false).steps == 30);  // 640 / 64 exactly
    every_epoch.record_every = 1;
    CHECK(run_work(every_epoch, {640, 0, 100, 10}, false).eval_examples == 420);  // records on all 3 epochs
}

TEST_CASE("the estimate adds the runs' costs, shares them among the parallel slots and adds the analyses",
          "[study][estimate]") {
    SweepEstimate e;
    e.parallel = 2;
    const RunWork w = run_work(three_epochs(), {600, 200, 300, 10}, true);
    add_run(e, w, hand_cost());
    add_run(e, w, hand_cost());
    CHECK(e.train_seconds == Approx(0.6));    // 2 × 30 steps × 0.01 s
    CHECK(e.eval_seconds == Approx(2.12));    // 2 × 1060 examples × 0.001 s
    CHECK(e.metric_seconds == Approx(6.0));   // 2 × 6 calls × 0.5 s
    CHECK(e.file_seconds == Approx(1.0));     // 2 × (0.2 s setup + 3 writes × 0.1 s)
    CHECK(e.wall_seconds() == Approx(4.86));  // 9.72 s over 2 slots
    add_teacher_analyses(e, hand_cost());
    CHECK(e.analysis_seconds == Approx(0.75));  // one load 0.25 s (the MI analysis) + one MI probe 0.5 s
    CHECK(e.wall_seconds() == Approx(5.61));    // the analyses follow the runs, alone
}

TEST_CASE("durations read as minutes and seconds, or hours and minutes", "[study][estimate]") {
    CHECK(duration_text(0.4) == "0m00s");
    CHECK(duration_text(65.4) == "1m05s");
    CHECK(duration_text(3725) == "1h02m");
}

TEST_CASE("the plan names each role's runs and grid, the seeds, what is complete, the time and the report",
          "[study][estimate]") {
    const SweepConfig config = parse_sweep_config(R"(
output: unused
seeds: [1, 2]
teacher: {model: mlp, alphas: [0, 0.3], recipe: {hidden: [16]}}
student: {model: mlp, recipe: {hidden: [8]}}
distill:
  - {teacher-alpha: 0, temperatures: [1, 4]}
  - {teacher-alpha: 0.3, temperatures: 1}
baselines: {alphas: [0, 0.3]}
)",
                                                  "tiny.yaml");
    const std::vector<PlannedRun> plan = plan_sweep(config, "out");
    REQUIRE(plan.size() == 14);
    PlanFacts f;
    f.config = &config;
    f.plan = &plan;
    f.complete.assign(plan.size(), false);
    f.complete[0] = true;
    f.parallel = 2;
    f.directory = "out";
    f.report = "out/report.md";
    SweepEstimate e;
    e.parallel = 2;
    e.train_seconds = 100;
    e.eval_seconds = 20;
    e.file_seconds = 4;
    e.analysis_seconds = 3;
    e.basis = "the basis";
    f.estimate = e;
    const std::string text = plan_text(f);
    INFO(text);
    CHECK_THAT(text, Catch::Contains("teachers:  4 runs (1 complete), mlp at α ∈ {0, 0.3}\n"));
    CHECK_THAT(text, Catch::Contains("students:  6 runs, mlp, from the α ∈ {0} teachers at T ∈ {1, 4}; from the α ∈ "
                                     "{0.3} teachers at T ∈ {1} (loss muller)\n"));
    CHECK_THAT(text, Catch::Contains("baselines: 4 runs, mlp at α ∈ {0, 0.3}, no teacher\n"));
    CHECK_THAT(text, Catch::Contains("seeds:     {1, 2}"));
    CHECK_THAT(text, Catch::Contains("14 in all, 1 already complete (the sweep resumes), 2 at once\n"));
    // (100 + 20 + 4) / 2 + 3 = 65 s
    CHECK_THAT(text, Catch::Contains("about 1m05s on this machine (training 0m50s, evaluation 0m10s, run files "
                                     "0m02s, teacher analyses 0m03s); the basis\n"));
    CHECK_THAT(text, Catch::Contains("report:    out/report.md\n"));

    f.report.clear();
    f.estimate.reset();
    f.no_estimate = "no estimate: why";
    const std::string sweep = plan_text(f);
    CHECK_THAT(sweep, Catch::Contains("summary:   out/summary.{h5,csv}\n"));
    CHECK_THAT(sweep, Catch::Contains("time:      no estimate: why\n"));
}
