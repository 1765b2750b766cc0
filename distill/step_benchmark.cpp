#include "distill/step_benchmark.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <utility>

#include "distill/run_precision.hpp"
#include "distill/targets.hpp"
#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/core/random.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/ops.hpp"
#include "framework/optim/sgd.hpp"
#include "framework/runtime/threads.hpp"

namespace lskd::distill {
namespace {

// Runs of the alone-timing per primitive: enough to average out the machine's noise at small shapes.
constexpr int kAloneReps = 20;

double peak_rss_mib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0;  // Linux reports KiB
}

Elapsed operator*(Elapsed e, double f) { return {e.wall_s * f, e.cpu_s * f}; }
Elapsed operator-(Elapsed a, Elapsed b) { return {a.wall_s - b.wall_s, a.cpu_s - b.cpu_s}; }
Elapsed& operator+=(Elapsed& a, Elapsed b) {
    a.wall_s += b.wall_s;
    a.cpu_s += b.cpu_s;
    return a;
}

Tensor normal_images(std::int64_t n, const models::InputShape& shape, Rng& rng) {
    Tensor t = Tensor::empty({n, shape.height, shape.width, shape.channels});
    for (auto& v : t.values()) v = rng.normal();
    return t;
}

void check(const StepBenchmarkSpec& spec) {
    if (spec.batch <= 0 || spec.eval_batch <= 0 || spec.steps <= 0 || spec.warmup < 0)
        fail("bench: the batch ({}), the eval batch ({}) and the steps ({}) must be positive, the warm-up steps ({}) "
             "not negative",
             spec.batch, spec.eval_batch, spec.steps, spec.warmup);
}

}  // namespace

Clock process_clock() {
    return [origin = dnnl_ctx::Stopwatch()] { return origin.elapsed(); };
}

Elapsed PhaseCost::outside_primitives() const { return profiled_step - primitives; }

Elapsed time_steps(const std::function<void()>& step, std::int64_t warmup, std::int64_t steps, const Clock& clock) {
    for (std::int64_t i = 0; i < warmup; ++i) step();
    const Elapsed start = clock();
    for (std::int64_t i = 0; i < steps; ++i) step();
    return (clock() - start) * (1.0 / static_cast<double>(steps));
}

PhaseCost measure_phase(const std::function<void()>& step, std::int64_t warmup, std::int64_t steps,
                        const Clock& clock) {
    PhaseCost cost;
    cost.step = time_steps(step, warmup, steps, clock);
    const double per = 1.0 / static_cast<double>(kProfiledSteps);
    dnnl_ctx::PrimitiveProfile profile;
    const Elapsed start = clock();
    for (std::int64_t i = 0; i < kProfiledSteps; ++i) step();
    cost.profiled_step = (clock() - start) * per;
    cost.peak_rss_mib = peak_rss_mib();
    for (const auto& r : profile.runs()) {
        PrimitiveCost line{r.primitive->description(), r.primitive->gemm_like(), static_cast<double>(r.runs) * per,
                           Elapsed{r.seconds, r.cpu_seconds} * per, Elapsed{}};
        line.alone = r.primitive->time_alone(kAloneReps) * line.runs_per_step;
        if (line.gemm_like) cost.gemm_alone += line.alone;
        cost.primitives += line.in_step;
        cost.lines.push_back(std::move(line));
    }
    std::sort(cost.lines.begin(), cost.lines.end(),
              [](const auto& a, const auto& b) { return a.in_step.cpu_s > b.in_step.cpu_s; });
    return cost;
}

StepBenchmark run_step_benchmark(const StepBenchmarkSpec& spec, const Clock& clock) {
    check(spec);
    StepBenchmark out;
    out.spec = spec;
    out.threads = runtime::init_threads(spec.threads).threads;
    const ops::PrecisionGuard precision(checked_precision(spec.precision, "bench"));
    auto model = models::make_model(spec.model, spec.input, spec.classes, 1);
    optim::SgdOptions o;
    o.lr = 0.01;
    o.momentum = 0.9;
    optim::SGD sgd(model->named_parameters(), o);
    Rng rng(3);
    const Variable x(normal_images(spec.batch, spec.input, rng));
    std::vector<std::int32_t> labels(static_cast<std::size_t>(spec.batch));
    for (auto& l : labels) l = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(spec.classes)));
    Tensor targets = Tensor::empty({spec.batch, spec.classes});
    smoothed_targets(labels, 0.0, targets);

    if (!spec.infer_only)
        out.train = measure_phase(
            [&] {
                Variable loss = ops::soft_target_cross_entropy(model->forward(x), targets);
                loss.backward();
                sgd.step();
                model->zero_grad();
            },
            spec.warmup, spec.steps, clock);

    // Inference as evaluation runs it: eval mode under NoGradGuard, the fused pass.
    model->eval();
    NoGradGuard no_grad;
    out.infer = measure_phase([&] { model->forward(x); }, spec.warmup, spec.steps, clock);
    // And at the evaluation batch, with the same number of images per measurement.
    const Variable eval_x(normal_images(spec.eval_batch, spec.input, rng));
    out.eval_infer = time_steps([&] { model->forward(eval_x); },
                                std::max<std::int64_t>(1, spec.warmup * spec.batch / spec.eval_batch),
                                std::max<std::int64_t>(1, spec.steps * spec.batch / spec.eval_batch), clock);
    return out;
}

void add_phase_numbers(std::map<std::string, double>& n, const std::string& phase, const PhaseCost& c, double units,
                       const std::string& unit) {
    n[phase + "_" + unit + "_per_s"] = units / c.step.wall_s;
    n[phase + "_step_ms"] = 1e3 * c.step.wall_s;
    n[phase + "_step_cpu_ms"] = 1e3 * c.step.cpu_s;
    n[phase + "_gemm_ms"] = 1e3 * c.gemm_alone.wall_s;
    n[phase + "_gemm_cpu_ms"] = 1e3 * c.gemm_alone.cpu_s;
    n[phase + "_overhead_share"] = c.overhead_share();
    n[phase + "_overhead_share_cpu"] = c.overhead_share_cpu();
    n[phase + "_primitives_ms"] = 1e3 * c.primitives.wall_s;
    n[phase + "_profiled_step_ms"] = 1e3 * c.profiled_step.wall_s;
}

std::map<std::string, double> StepBenchmark::numbers() const {
    const double batch = static_cast<double>(spec.batch), eval_batch = static_cast<double>(spec.eval_batch);
    std::map<std::string, double> n{{"peak_rss_mib", spec.infer_only ? infer.peak_rss_mib : train.peak_rss_mib},
                                    {"batch", batch},
                                    {"eval_batch", eval_batch},
                                    {"threads", static_cast<double>(threads)},
                                    {"eval_infer_img_per_s", eval_batch / eval_infer.wall_s},
                                    {"eval_infer_step_cpu_ms", 1e3 * eval_infer.cpu_s},
                                    {"eval_infer_img_per_cpu_s", eval_batch / eval_infer.cpu_s}};
    for (const auto& [phase, c] : {std::pair{"train", &train}, std::pair{"infer", &infer}})
        if (!(spec.infer_only && std::string(phase) == "train")) add_phase_numbers(n, phase, *c, batch, "img");
    return n;
}

}  // namespace lskd::distill
