// SGD against updates worked out by hand. Every case uses a gradient held fixed across steps, so the
// arithmetic in the comments is the whole story.
#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/optim/sgd.hpp"
#include "framework/runtime/threads.hpp"

using namespace lskd;
using namespace lskd::optim;

namespace {

nn::NamedParameter param(std::string name, std::vector<float> values, nn::ParamKind kind = nn::ParamKind::weight) {
    const auto n = static_cast<std::int64_t>(values.size());
    return {std::move(name), Variable(Tensor::from({n}, values), true), kind};
}

void set_grad(nn::NamedParameter& p, std::vector<float> g) {
    p.var.grad() = Tensor::from({static_cast<std::int64_t>(g.size())}, g);
}

// Runs `steps` steps on p with the fixed gradient g and returns p's values after each step.
std::vector<std::vector<float>> trajectory(SgdOptions options, std::vector<float> p0, std::vector<float> g, int steps,
                                           nn::ParamKind kind = nn::ParamKind::weight) {
    auto p = param("p", std::move(p0), kind);
    SGD sgd({p}, options);
    std::vector<std::vector<float>> out;
    for (int s = 0; s < steps; ++s) {
        set_grad(p, g);
        sgd.step();
        const auto v = p.var.value().values();
        out.emplace_back(v.begin(), v.end());
    }
    return out;
}

}  // namespace

TEST_CASE("plain SGD: p −= lr·g", "[optim][sgd]") {
    // lr 0.1, g = [0.5, 1]: p = [1, −2] → [0.95, −2.1] → [0.9, −2.2]
    const auto t = trajectory({.lr = 0.1}, {1.0f, -2.0f}, {0.5f, 1.0f}, 2);
    CHECK(t[0][0] == Approx(0.95f));
    CHECK(t[0][1] == Approx(-2.1f));
    CHECK(t[1][0] == Approx(0.9f));
    CHECK(t[1][1] == Approx(-2.2f));
}

TEST_CASE("momentum: the first step copies the gradient into the buffer", "[optim][sgd]") {
    // lr 0.1, momentum 0.9, g = [0.5, 1]
    // step 1: buf = [0.5, 1];
    //         p = [1 − 0.1·0.5, −2 − 0.1·1]            = [0.95, −2.1]
    // step 2: buf = [0.9·0.5 + 0.5, 0.9·1 + 1]        = [0.95, 1.9];
    //         p = [0.95 − 0.095, −2.1 − 0.19]          = [0.855, −2.29]
    // step 3: buf = [0.9·0.95 + 0.5, 0.9·1.9 + 1]     = [1.355, 2.71];
    //         p = [0.855 − 0.1355, −2.29 − 0.271]      = [0.7195, −2.561]
    const auto t = trajectory({.lr = 0.1, .momentum = 0.9}, {1.0f, -2.0f}, {0.5f, 1.0f}, 3);
    CHECK(t[0][0] == Approx(0.95f));
    CHECK(t[0][1] == Approx(-2.1f));
    CHECK(t[1][0] == Approx(0.855f));
    CHECK(t[1][1] == Approx(-2.29f));
    CHECK(t[2][0] == Approx(0.7195f));
    CHECK(t[2][1] == Approx(-2.561f));
}

TEST_CASE("dampening scales the gradient from the second step on", "[optim][sgd]") {
    // lr 0.1, momentum 0.9, dampening 0.5, g = 0.5, p = 1
    // step 1: buf = 0.5 (no dampening);             p = 1 − 0.05     = 0.95
    // step 2: buf = 0.9·0.5 + 0.5·0.5 = 0.7;         p = 0.95 − 0.07  = 0.88
    // step 3: buf = 0.9·0.7 + 0.25 = 0.88;           p = 0.88 − 0.088 = 0.792
    const auto t = trajectory({.lr = 0.1, .momentum = 0.9, .dampening = 0.5}, {1.0f}, {0.5f}, 3);
    CHECK(t[0][0] == Approx(0.95f));
    CHECK(t[1][0] == Approx(0.88f));
    CHECK(t[2][0] == Approx(0.792f));
}

TEST_CASE("Nesterov steps along g + momentum·buf", "[optim][sgd]") {
    // lr 0.1, momentum 0.9, g = 0.5, p = 1
    // step 1: buf = 0.5;                 d = 0.5 + 0.9·0.5  = 0.95;   p = 1 − 0.095      = 0.905
    // step 2: buf = 0.45 + 0.5 = 0.95;   d = 0.5 + 0.9·0.95 = 1.355;  p = 0.905 − 0.1355 = 0.7695
    const auto t = trajectory({.lr = 0.1, .momentum = 0.9, .nesterov = true}, {1.0f}, {0.5f}, 2);
    CHECK(t[0][0] == Approx(0.905f));
    CHECK(t[1][0] == Approx(0.7695f));
}

TEST_CASE("weight decay adds wd·p to the gradient", "[optim][sgd]") {
    // lr 0.1, wd 0.01, g = 0.5, p = 1
    // step 1: d = 0.5 + 0.01·1 = 0.51;            p = 1 − 0.051          = 0.949
    // step 2: d = 0.5 + 0.01·0.949 = 0.50949;     p = 0.949 − 0.050949   = 0.898051
    const auto t = trajectory({.lr = 0.1, .weight_decay = 0.01}, {1.0f}, {0.5f}, 2);
    CHECK(t[0][0] == Approx(0.949f));
    CHECK(t[1][0] == Approx(0.898051f));

    // With momentum 0.9 and wd 0.1:
    // step 1: d = 0.5 + 0.1 = 0.6;       buf = 0.6;                    p = 1 − 0.06       = 0.94
    // step 2: d = 0.5 + 0.094 = 0.594;   buf = 0.54 + 0.594 = 1.134;   p = 0.94 − 0.1134  = 0.8266
    const auto m = trajectory({.lr = 0.1, .momentum = 0.9, .weight_decay = 0.1}, {1.0f}, {0.5f}, 2);
    CHECK(m[0][0] == Approx(0.94f));
    CHECK(m[1][0] == Approx(0.8266f));
}

TEST_CASE("weight decay can exclude biases and normalisation parameters", "[optim][sgd]") {
    // lr 0.1, wd 0.05, g = 0.2, p = 0.5
    // decayed:  d = 0.2 + 0.05·0.5 = 0.225;  p = 0.5 − 0.0225 = 0.4775
    // excluded: d = 0.2;                     p = 0.5 − 0.02   = 0.48
    const SgdOptions decay_all{.lr = 0.1, .weight_decay = 0.05};
    const SgdOptions decay_weights{.lr = 0.1, .weight_decay = 0.05, .decay_biases_and_norm = false};
    CHECK(trajectory(decay_all, {0.5f}, {0.2f}, 1, nn::ParamKind::bias)[0][0] == Approx(0.4775f));
    CHECK(trajectory(decay_weights, {0.5f}, {0.2f}, 1, nn::ParamKind::bias)[0][0] == Approx(0.48f));
    CHECK(trajectory(decay_weights, {0.5f}, {0.2f}, 1, nn::ParamKind::norm)[0][0] == Approx(0.48f));
    CHECK(trajectory(decay_weights, {0.5f}, {0.2f}, 1, nn::ParamKind::weight)[0][0] == Approx(0.4775f));
}

TEST_CASE("parameters without a gradient are skipped and start their momentum later", "[optim][sgd]") {
    auto a = param("a", {1.0f});
    auto b = param("b", {1.0f});
    SGD sgd({a, b}, {.lr = 0.1, .momentum = 0.9, .dampening = 0.5});
    set_grad(a, {0.5f});
    sgd.step();
    CHECK(b.var.value().at(0) == 1.0f);
    CHECK(b.var.value().version() == 0);
    CHECK(a.var.value().version() == 1);
    CHECK(sgd.state().count("a") == 1);
    CHECK(sgd.state().count("b") == 0);
    // b's first step copies its gradient (no dampening): p = 1 − 0.1·0.5 = 0.95
    set_grad(b, {0.5f});
    sgd.step();
    CHECK(b.var.value().at(0) == Approx(0.95f));
}

TEST_CASE("set_lr, zero_grad and option checks", "[optim][sgd]") {
    auto p = param("p", {1.0f});
    SGD sgd({p}, {.lr = 0.1});
    sgd.set_lr(0.5);
    CHECK(sgd.lr() == 0.5);
    set_grad(p, {1.0f});
    sgd.step();
    CHECK(p.var.value().at(0) == Approx(0.5f));
    sgd.zero_grad();
    CHECK_FALSE(p.var.grad().defined());
    CHECK_THROWS_AS(sgd.set_lr(-1.0), Error);

    CHECK_THROWS_AS(SGD({p}, {}), Error);
    CHECK_THROWS_AS(SGD({p}, {.lr = 0.1, .nesterov = true}), Error);
    CHECK_THROWS_AS(SGD({p}, {.lr = 0.1, .momentum = 0.9, .dampening = 0.1, .nesterov = true}), Error);
    CHECK_THROWS_WITH(SGD({p, p}, {.lr = 0.1}), Catch::Contains("'p' appears twice"));
    const nn::NamedParameter q{"q", p.var, p.kind};
    CHECK_THROWS_WITH(SGD({p, q}, {.lr = 0.1}), Catch::Contains("'q' is listed twice"));
}

TEST_CASE("a large parameter takes the parallel path with the same result", "[optim][sgd]") {
    const std::int64_t n = 300000;
    std::vector<float> values(static_cast<std::size_t>(n)), grads(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        values[i] = static_cast<float>(i % 97) * 0.01f;
        grads[i] = static_cast<float>(i % 13) * 0.1f - 0.6f;
    }
    const SgdOptions options{.lr = 0.05, .momentum = 0.9, .weight_decay = 1e-3};
    const auto big = trajectory(options, values, grads, 2);
    for (std::size_t i : {std::size_t{0}, std::size_t{12345}, std::size_t{299999}}) {
        const auto single = trajectory(options, {values[i]}, {grads[i]}, 2);
        CHECK(big[1][i] == single[1][0]);
    }
}

TEST_CASE("the vectorised update equals PyTorch's element-by-element float arithmetic for every option set",
          "[optim][sgd]") {
    // 37 elements: a vector body plus a scalar tail whatever the vector width. Three steps cover the first
    // (buffer = g) and later (buffer = μ·buffer + (1 − d)·g) momentum updates.
    const std::int64_t n = 37;
    for (const double wd : {0.0, 0.01})
        for (const double momentum : {0.0, 0.9})
            for (const bool nesterov : {false, true}) {
                if (nesterov && momentum == 0.0) continue;
                const double dampening = nesterov ? 0.0 : 0.25;
                SgdOptions o;
                o.lr = 0.05;
                o.weight_decay = wd;
                o.momentum = momentum;
                o.dampening = dampening;
                o.nesterov = nesterov;
                std::vector<float> p0(n), g(n);
                for (std::int64_t i = 0; i < n; ++i) {
                    p0[i] = 0.1f * static_cast<float>(i) - 1.7f;
                    g[i] = 0.03f * static_cast<float>(i % 7) - 0.08f;
                }
                const auto got = trajectory(o, p0, g, 3);
                std::vector<float> p = p0, buf(n);
                for (int s = 0; s < 3; ++s) {
                    for (std::int64_t i = 0; i < n; ++i) {
                        float gi = g[i];
                        if (wd != 0.0) gi = gi + static_cast<float>(wd) * p[i];
                        if (momentum != 0.0) {
                            buf[i] = s == 0 ? gi
                                            : static_cast<float>(momentum) * buf[i] +
                                                  static_cast<float>(1.0 - dampening) * gi;
                            gi = nesterov ? gi + static_cast<float>(momentum) * buf[i] : buf[i];
                        }
                        p[i] = p[i] - static_cast<float>(o.lr) * gi;
                    }
                    INFO("wd " << wd << " momentum " << momentum << " nesterov " << nesterov << " step " << s);
                    CHECK(got[static_cast<std::size_t>(s)] == p);
                }
            }
}

TEST_CASE("an update split over threads: every element of a large parameter, the same bits at 1 and 2 threads",
          "[optim][sgd]") {
    // 100003 elements span four chunks of the split, the last one partial. Element i: p = i·1e-3, g = 1 −
    // i·1e-5, lr 0.5, momentum 0.9, weight decay 0.01, two steps; checked against the rule written out.
    constexpr std::int64_t n = 100003;
    std::vector<float> p0(n), g(n);
    for (std::int64_t i = 0; i < n; ++i) {
        p0[static_cast<std::size_t>(i)] = static_cast<float>(i) * 1e-3f;
        g[static_cast<std::size_t>(i)] = 1.0f - static_cast<float>(i) * 1e-5f;
    }
    const SgdOptions options{.lr = 0.5, .momentum = 0.9, .weight_decay = 0.01};
    const int threads_before = runtime::thread_info().threads;
    std::vector<std::vector<std::vector<float>>> runs;
    for (const int threads : {1, 2}) {
        runtime::init_threads(threads);
        runs.push_back(trajectory(options, p0, g, 2));
    }
    runtime::init_threads(threads_before);
    CHECK(runs[0] == runs[1]);
    for (const std::int64_t i : {std::int64_t{0}, std::int64_t{32767}, std::int64_t{32768}, n - 1}) {
        const auto k = static_cast<std::size_t>(i);
        float p = p0[k], buf = 0.0f;
        for (int step = 0; step < 2; ++step) {
            const float d = g[k] + 0.01f * p;
            buf = step == 0 ? d : 0.9f * buf + 1.0f * d;
            p = p - 0.5f * buf;
            CHECK(runs[1][static_cast<std::size_t>(step)][k] == Approx(p).epsilon(1e-6));
        }
    }
}
