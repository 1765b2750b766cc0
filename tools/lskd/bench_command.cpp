// lskd bench: steady-state training and inference throughput of a model on synthetic input (after warm-up
// steps), for comparison with the PyTorch baseline in bench/.
#include <chrono>

#include <fmt/format.h>

#include "distill/targets.hpp"
#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/core/random.hpp"
#include "framework/ops/ops.hpp"
#include "framework/optim/sgd.hpp"
#include "framework/runtime/threads.hpp"
#include "models/model_registry.hpp"
#include "tools/lskd/command.hpp"

namespace lskd::cli {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

Runner add_bench_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("bench", "measure training and inference throughput on synthetic input");
    struct State {
        std::string model = "mlp-1200", input = "28x28x1";
        std::int64_t batch = 128, steps = 50, warmup = 5, classes = 10;
        int threads = 0;
        bool json = false, list_models = false;
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
    cmd->add_option("--threads", s->threads, "threads (0: all)");
    cmd->add_flag("--json", s->json, "print one JSON line");
    return [s] {
        if (s->list_models) {
            fmt::print("{}", models::model_listing());
            return 0;
        }
        const runtime::ThreadInfo threads = runtime::init_threads(s->threads);
        models::InputShape shape;
        if (std::sscanf(s->input.c_str(), "%ldx%ldx%ld", &shape.height, &shape.width, &shape.channels) != 3)
            fail("--input: '{}' is not HxWxC", s->input);
        if (s->batch <= 0 || s->steps <= 0 || s->warmup < 0) fail("--batch and --steps must be positive");
        auto model = models::make_model(s->model, shape, s->classes, 1);
        optim::SgdOptions o;
        o.lr = 0.01;
        o.momentum = 0.9;
        optim::SGD sgd(model->named_parameters(), o);
        Rng rng(3);
        Tensor images = Tensor::empty({s->batch, shape.height, shape.width, shape.channels});
        for (auto& v : images.values()) v = rng.normal();
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
        for (std::int64_t i = 0; i < s->warmup; ++i) train_step();
        auto t0 = Clock::now();
        for (std::int64_t i = 0; i < s->steps; ++i) train_step();
        const double train_s = seconds_since(t0);

        model->eval();
        NoGradGuard no_grad;
        for (std::int64_t i = 0; i < s->warmup; ++i) model->forward(x);
        t0 = Clock::now();
        for (std::int64_t i = 0; i < s->steps; ++i) model->forward(x);
        const double infer_s = seconds_since(t0);

        const double images_total = static_cast<double>(s->batch * s->steps);
        const double train_ips = images_total / train_s, infer_ips = images_total / infer_s;
        if (s->json)
            fmt::print("{}\n", json_line({{"train_img_per_s", train_ips},
                                          {"infer_img_per_s", infer_ips},
                                          {"train_step_ms", 1e3 * train_s / static_cast<double>(s->steps)},
                                          {"batch", static_cast<double>(s->batch)},
                                          {"threads", static_cast<double>(threads.threads)}},
                                         {{"model", s->model}}));
        else
            fmt::print("{} batch {} threads {}: train {:.0f} img/s ({:.2f} ms/step), inference {:.0f} img/s\n", s->model,
                       s->batch, threads.threads, train_ips, 1e3 * train_s / static_cast<double>(s->steps), infer_ips);
        return 0;
    };
}

}  // namespace lskd::cli
