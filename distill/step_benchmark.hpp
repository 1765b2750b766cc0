// The harness behind `lskd bench`: steady-state time per training step and per inference pass of a model on
// synthetic input (after warm-up steps), and the step's own roofline: the GEMM-like primitives it ran, each timed
// alone at the step's shapes and thread count, bound it from below; the rest is framework overhead. It returns
// plain numbers; the command line formats them.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "distill/evaluation.hpp"
#include "framework/dnnl/primitive_profile.hpp"
#include "models/model_registry.hpp"

namespace lskd::distill {

using dnnl_ctx::Elapsed;

// Wall and process CPU seconds since a fixed origin. The harness reads the real clocks (process_clock); a test
// passes a clock of its own to check the bookkeeping without depending on the machine's speed.
using Clock = std::function<Elapsed()>;
Clock process_clock();

// Steps run under the primitive profile after the timed ones: enough to average the per-primitive times.
inline constexpr std::int64_t kProfiledSteps = 10;

// One primitive of a profiled step, per step: how often it ran, its time in the step and its time alone.
struct PrimitiveCost {
    std::string what;  // "kind prop_kind implementation", as ONEDNN_VERBOSE names it
    bool gemm_like = false;
    double runs_per_step = 0;
    Elapsed in_step, alone;
};

// One phase (training steps or inference passes), per step: its time, and where that time went. Shares are taken
// in wall time and in process CPU time; on a loaded machine the CPU-time ones are the steadier.
struct PhaseCost {
    Elapsed step;                      // the timed steps
    Elapsed gemm_alone;                // Σ over the GEMM-like primitives of their time alone
    Elapsed profiled_step;             // the profiled steps (timing every primitive adds a little)
    Elapsed primitives;                // Σ over all primitives of their time inside the profiled steps
    double peak_rss_mib = 0;           // after the steps, before the alone-timing allocates its own memory
    std::vector<PrimitiveCost> lines;  // by CPU time in the step, largest first

    double overhead_share() const { return 1.0 - gemm_alone.wall_s / step.wall_s; }
    double overhead_share_cpu() const { return 1.0 - gemm_alone.cpu_s / step.cpu_s; }
    Elapsed outside_primitives() const;  // profiled_step − primitives
};

// Runs `step` `warmup` times untimed, then `steps` times, and returns the mean time of those.
Elapsed time_steps(const std::function<void()>& step, std::int64_t warmup, std::int64_t steps,
                   const Clock& clock = process_clock());
// time_steps, then kProfiledSteps more steps under a primitive profile, whose primitives are then timed alone.
PhaseCost measure_phase(const std::function<void()>& step, std::int64_t warmup, std::int64_t steps,
                        const Clock& clock = process_clock());

struct StepBenchmarkSpec {
    std::string model = "mlp-1200";
    models::InputShape input;
    std::int64_t batch = 128, steps = 50, warmup = 5, classes = 10;
    std::int64_t eval_batch = kEvalBatch;  // inference is also timed at the batch evaluation runs at
    int threads = 0;                       // 0: all
    bool infer_only = false;               // skip the training steps
    std::string precision = "f32";         // f32 | bf16 (distill/run_precision.hpp)
};

struct StepBenchmark {
    StepBenchmarkSpec spec;
    int threads = 0;     // the threads it ran on
    PhaseCost train;     // forward, loss, backward, SGD with momentum, zero_grad; empty with spec.infer_only
    PhaseCost infer;     // the fused inference pass at spec.batch
    Elapsed eval_infer;  // one fused pass at spec.eval_batch, as many images as the timed inference steps

    // The numbers `lskd bench --json` prints, by key (docs/speed.md; bench/compare_pytorch.py reads them).
    std::map<std::string, double> numbers() const;
};

// The keys of one phase in `lskd bench --json`: "<phase>_<unit>_per_s" (units per step over its wall time), then
// "<phase>_step_ms", "_step_cpu_ms", "_gemm_ms", "_gemm_cpu_ms", "_overhead_share", "_overhead_share_cpu",
// "_primitives_ms" and "_profiled_step_ms".
void add_phase_numbers(std::map<std::string, double>& numbers, const std::string& phase, const PhaseCost& cost,
                       double units, const std::string& unit);

// Builds spec.model (seed 1) and measures it on normal random images. Errors name the bad setting.
StepBenchmark run_step_benchmark(const StepBenchmarkSpec& spec, const Clock& clock = process_clock());

}  // namespace lskd::distill
