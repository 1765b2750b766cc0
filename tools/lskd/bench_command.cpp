// lskd bench: steady-state training and inference throughput of a model on synthetic input (after warm-up
// steps), for comparison with the PyTorch baseline in bench/, with the run's own roofline: the GEMM-like
// primitives the step ran (convolution, inner product, matmul), each timed alone at the step's shapes and
// thread count, bound the step from below; the rest of the step is framework overhead.
#include <sys/resource.h>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "distill/evaluation.hpp"
#include "distill/targets.hpp"
#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/core/random.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/dnnl/primitive_profile.hpp"
#include "framework/ops/ops.hpp"
#include "framework/optim/sgd.hpp"
#include "framework/runtime/threads.hpp"
#include "models/model_registry.hpp"
#include "tools/lskd/command.hpp"

namespace lskd::cli {
namespace {

using dnnl_ctx::Elapsed;

// Runs of the alone-timing per primitive: enough to average out the machine's noise at small shapes.
constexpr int kAloneReps = 20;
// Profiled steps (after the timed ones): enough to average the per-primitive times.
constexpr std::int64_t kProfiledSteps = 10;

double peak_rss_mib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0;  // Linux reports KiB
}

Elapsed operator*(Elapsed e, double f) { return {e.wall_s * f, e.cpu_s * f}; }
Elapsed& operator+=(Elapsed& a, Elapsed b) {
    a.wall_s += b.wall_s;
    a.cpu_s += b.cpu_s;
    return a;
}

// One phase (training steps or inference passes), per step: its time, and where that time went. Shares
// are taken in wall time and in process CPU time; on a loaded machine the CPU-time ones are the steadier.
struct PhaseCost {
    Elapsed step;             // unprofiled steps
    Elapsed gemm_alone;       // Σ over GEMM-like primitives of runs per step × time alone
    Elapsed profiled_step;    // the profiled steps (timing every primitive adds a little)
    Elapsed primitives;       // all primitives inside the profiled steps
    double peak_rss_mib = 0;  // after the steps, before the alone-timing allocates its own memory
    struct Line {
        std::string what;
        double runs_per_step;
        Elapsed in_step, alone;
    };
    std::vector<Line> lines;
    double overhead_share() const { return 1.0 - gemm_alone.wall_s / step.wall_s; }
    double overhead_share_cpu() const { return 1.0 - gemm_alone.cpu_s / step.cpu_s; }
};

// Mean time per step after the warm-up steps.
Elapsed time_steps(const std::function<void()>& step, std::int64_t warmup, std::int64_t steps) {
    for (std::int64_t i = 0; i < warmup; ++i) step();
    const dnnl_ctx::Stopwatch timed;
    for (std::int64_t i = 0; i < steps; ++i) step();
    return timed.elapsed() * (1.0 / static_cast<double>(steps));
}

PhaseCost measure(const std::function<void()>& step, std::int64_t warmup, std::int64_t steps) {
    PhaseCost cost;
    cost.step = time_steps(step, warmup, steps);
    const double per = 1.0 / static_cast<double>(kProfiledSteps);
    dnnl_ctx::PrimitiveProfile profile;
    const dnnl_ctx::Stopwatch profiled;
    for (std::int64_t i = 0; i < kProfiledSteps; ++i) step();
    cost.profiled_step = profiled.elapsed() * per;
    cost.peak_rss_mib = peak_rss_mib();
    for (const auto& r : profile.runs()) {
        PhaseCost::Line line{r.primitive->description(), static_cast<double>(r.runs) * per,
                             Elapsed{r.seconds, r.cpu_seconds} * per, Elapsed{}};
        line.alone = r.primitive->time_alone(kAloneReps) * line.runs_per_step;
        if (r.primitive->gemm_like()) cost.gemm_alone += line.alone;
        cost.primitives += line.in_step;
        cost.lines.push_back(std::move(line));
    }
    std::sort(cost.lines.begin(), cost.lines.end(),
              [](const auto& a, const auto& b) { return a.in_step.cpu_s > b.in_step.cpu_s; });
    return cost;
}

void print_cost(const char* phase, const PhaseCost& c, double batch) {
    fmt::print("{}: {:.2f} ms/step ({:.0f} img/s), CPU {:.2f} ms/step\n", phase, 1e3 * c.step.wall_s,
               batch / c.step.wall_s, 1e3 * c.step.cpu_s);
    fmt::print("  GEMM-like primitives alone: {:.2f} ms (CPU {:.2f} ms), bound {:.0f} img/s; step at {:.0f} % of it "
               "(CPU {:.0f} %); overhead {:.1f} % (CPU {:.1f} %)\n",
               1e3 * c.gemm_alone.wall_s, 1e3 * c.gemm_alone.cpu_s, batch / c.gemm_alone.wall_s,
               100.0 * c.gemm_alone.wall_s / c.step.wall_s, 100.0 * c.gemm_alone.cpu_s / c.step.cpu_s,
               100.0 * c.overhead_share(), 100.0 * c.overhead_share_cpu());
    fmt::print("  profiled step {:.2f} ms (CPU {:.2f}): all primitives {:.2f} ms (CPU {:.2f}), outside them {:.2f} ms "
               "(CPU {:.2f})\n",
               1e3 * c.profiled_step.wall_s, 1e3 * c.profiled_step.cpu_s, 1e3 * c.primitives.wall_s,
               1e3 * c.primitives.cpu_s, 1e3 * (c.profiled_step.wall_s - c.primitives.wall_s),
               1e3 * (c.profiled_step.cpu_s - c.primitives.cpu_s));
}

void print_lines(const PhaseCost& c) {
    fmt::print("  {:>9} {:>9} {:>5} {:>9} {:>9}  primitive (ms per step)\n", "wall", "CPU", "runs", "alone",
               "alone CPU");
    for (const auto& l : c.lines)
        fmt::print("  {:9.3f} {:9.3f} {:5.1f} {:9.3f} {:9.3f}  {}\n", 1e3 * l.in_step.wall_s, 1e3 * l.in_step.cpu_s,
                   l.runs_per_step, 1e3 * l.alone.wall_s, 1e3 * l.alone.cpu_s, l.what);
}

}  // namespace

Runner add_bench_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("bench", "measure training and inference throughput on synthetic input");
    struct State {
        std::string model = "mlp-1200", input = "28x28x1";
        std::int64_t batch = 128, steps = 50, warmup = 5, classes = 10;
        std::int64_t eval_batch = distill::kEvalBatch;
        int threads = 0;
        bool json = false, list_models = false, breakdown = false, infer_only = false;
    };
    auto s = std::make_shared<State>();
    cmd->footer("Models (name, input shapes, description):\n" + models::model_listing());
    cmd->add_option("--model", s->model, "model name (listed below)")->check(CLI::IsMember(models::model_names()));
    cmd->add_flag("--list-models", s->list_models, "print the models and exit");
    cmd->add_option("--input", s->input, "input HxWxC (28x28x1 or 32x32x3)");
    cmd->add_option("--batch", s->batch, "batch size");
    cmd->add_option("--steps", s->steps, "timed steps");
    cmd->add_option("--warmup", s->warmup, "untimed steps first");
    cmd->add_option("--classes", s->classes, "number of classes");
    cmd->add_option("--threads", s->threads, "threads (0: all)")->check(CLI::Range(0, distill::max_threads()));
    cmd->add_flag("--json", s->json, "print one JSON line");
    cmd->add_option("--eval-batch", s->eval_batch,
                    "inference is also measured at this batch: by default the one evaluation runs at (lskd eval, "
                    "teacher logits, records)");
    cmd->add_flag("--infer-only", s->infer_only, "skip the training steps");
    cmd->add_flag("--breakdown", s->breakdown, "list every primitive of the step with its time (not with --json)");
    return [s] {
        require_one_process("bench");
        if (s->list_models) {
            fmt::print("{}", models::model_listing());
            return 0;
        }
        const runtime::ThreadInfo threads = runtime::init_threads(s->threads);
        models::InputShape shape;
        if (std::sscanf(s->input.c_str(), "%ldx%ldx%ld", &shape.height, &shape.width, &shape.channels) != 3)
            fail("--input: '{}' is not HxWxC", s->input);
        if (s->batch <= 0 || s->eval_batch <= 0 || s->steps <= 0 || s->warmup < 0)
            fail("--batch, --eval-batch and --steps must be positive");
        auto model = models::make_model(s->model, shape, s->classes, 1);
        optim::SgdOptions o;
        o.lr = 0.01;
        o.momentum = 0.9;
        optim::SGD sgd(model->named_parameters(), o);
        Rng rng(3);
        auto random_images = [&](std::int64_t n) {
            Tensor t = Tensor::empty({n, shape.height, shape.width, shape.channels});
            for (auto& v : t.values()) v = rng.normal();
            return t;
        };
        const Tensor images = random_images(s->batch);
        std::vector<std::int32_t> labels(static_cast<std::size_t>(s->batch));
        for (auto& l : labels) l = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(s->classes)));
        Tensor targets = Tensor::empty({s->batch, s->classes});
        distill::smoothed_targets(labels, 0.0, targets);
        const Variable x(images);

        auto train_step = [&] {
            Variable loss = ops::soft_target_cross_entropy(model->forward(x), targets);
            loss.backward();
            sgd.step();
            model->zero_grad();
        };
        const PhaseCost train = s->infer_only ? PhaseCost{} : measure(train_step, s->warmup, s->steps);

        // Inference as evaluation runs it: eval mode under NoGradGuard, the fused pass.
        model->eval();
        NoGradGuard no_grad;
        const PhaseCost infer = measure([&] { model->forward(x); }, s->warmup, s->steps);
        // And at the evaluation batch, with the same number of images per measurement.
        const Variable eval_x(random_images(s->eval_batch));
        const std::int64_t eval_steps = std::max<std::int64_t>(1, s->steps * s->batch / s->eval_batch);
        const Elapsed eval_infer = time_steps([&] { model->forward(eval_x); },
                                              std::max<std::int64_t>(1, s->warmup * s->batch / s->eval_batch),
                                              eval_steps);

        const double batch = static_cast<double>(s->batch), eval_batch = static_cast<double>(s->eval_batch);
        if (s->json) {
            std::map<std::string, double> numbers{
                {"peak_rss_mib", s->infer_only ? infer.peak_rss_mib : train.peak_rss_mib},
                {"batch", batch},
                {"eval_batch", eval_batch},
                {"threads", static_cast<double>(threads.threads)}};
            numbers["eval_infer_img_per_s"] = eval_batch / eval_infer.wall_s;
            numbers["eval_infer_step_cpu_ms"] = 1e3 * eval_infer.cpu_s;
            numbers["eval_infer_img_per_cpu_s"] = eval_batch / eval_infer.cpu_s;
            for (const auto& [phase, c] : {std::pair{"train", &train}, std::pair{"infer", &infer}}) {
                const std::string p = phase;
                if (s->infer_only && p == "train") continue;
                numbers[p + "_img_per_s"] = batch / c->step.wall_s;
                numbers[p + "_step_ms"] = 1e3 * c->step.wall_s;
                numbers[p + "_step_cpu_ms"] = 1e3 * c->step.cpu_s;
                numbers[p + "_gemm_ms"] = 1e3 * c->gemm_alone.wall_s;
                numbers[p + "_gemm_cpu_ms"] = 1e3 * c->gemm_alone.cpu_s;
                numbers[p + "_overhead_share"] = c->overhead_share();
                numbers[p + "_overhead_share_cpu"] = c->overhead_share_cpu();
                numbers[p + "_primitives_ms"] = 1e3 * c->primitives.wall_s;
                numbers[p + "_profiled_step_ms"] = 1e3 * c->profiled_step.wall_s;
            }
            fmt::print("{}\n", json_line(numbers, {{"model", s->model}}));
            return 0;
        }
        fmt::print("{} batch {} threads {}: inference {:.0f} img/s (at the eval batch {}: {:.0f} img/s, {:.0f} img per "
                   "CPU second)\n",
                   s->model, s->batch, threads.threads, batch / infer.step.wall_s, s->eval_batch,
                   eval_batch / eval_infer.wall_s, eval_batch / eval_infer.cpu_s);
        if (!s->infer_only) {
            fmt::print("train {:.0f} img/s, peak RSS {:.0f} MiB\n", batch / train.step.wall_s, train.peak_rss_mib);
            print_cost("train", train, batch);
            if (s->breakdown) print_lines(train);
        }
        print_cost("inference", infer, batch);
        if (s->breakdown) print_lines(infer);
        return 0;
    };
}

}  // namespace lskd::cli
