// AdamW against updates worked out by hand and against torch.optim.AdamW's numbers; its state's round trip and
// a resume that continues bit for bit.
#include <cmath>
#include <iomanip>

#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/layers/nn.hpp"
#include "framework/ops/ops.hpp"
#include "framework/optim/adamw.hpp"
#include "framework/runtime/threads.hpp"
#include "tests/optim/resume_fixture.hpp"

using namespace lskd;
using namespace lskd::optim;

namespace {

nn::NamedParameter param(std::string name, std::vector<float> values, nn::ParamKind kind = nn::ParamKind::weight) {
    const auto n = static_cast<std::int64_t>(values.size());
    return {std::move(name), Variable(Tensor::from({n}, values), true), kind};
}

void set_grad(nn::NamedParameter& p, const std::vector<float>& g) {
    p.var.grad() = Tensor::from({static_cast<std::int64_t>(g.size())}, g);
}

std::vector<float> values(const Tensor& t) { return {t.values().begin(), t.values().end()}; }

// p's value after each step of the gradients given, one per step.
std::vector<float> trajectory(AdamWOptions options, float p0, const std::vector<float>& grads) {
    auto p = param("p", {p0});
    AdamW adam({p}, options);
    std::vector<float> out;
    for (const float g : grads) {
        set_grad(p, {g});
        adam.step();
        out.push_back(p.var.value().at(0));
    }
    return out;
}

}  // namespace

TEST_CASE("AdamW steps lr per update on a constant gradient", "[optim][adamw]") {
    // g = 0.5 every step, betas (0.9, 0.999): m_t = 0.5·(1 − 0.9^t) and v_t = 0.25·(1 − 0.999^t), so the bias
    // corrections give m̂ = 0.5 and v̂ = 0.25 at every t, and each update is lr·0.5/(0.5 + eps) ≈ lr = 0.1.
    const auto t = trajectory({.lr = 0.1, .weight_decay = 0.0}, 1.0f, {0.5f, 0.5f, 0.5f});
    CHECK(t[0] == Approx(0.9f));
    CHECK(t[1] == Approx(0.8f));
    CHECK(t[2] == Approx(0.7f));
}

TEST_CASE("AdamW decays the weight before the update", "[optim][adamw]") {
    // As above with weight decay 0.1 at lr 0.1: p ← p·(1 − 0.01) − 0.1.
    // 1·0.99 − 0.1 = 0.89;  0.89·0.99 − 0.1 = 0.7811;  0.7811·0.99 − 0.1 = 0.673289
    const auto t = trajectory({.lr = 0.1, .weight_decay = 0.1}, 1.0f, {0.5f, 0.5f, 0.5f});
    CHECK(t[0] == Approx(0.89f));
    CHECK(t[1] == Approx(0.7811f));
    CHECK(t[2] == Approx(0.673289f));
    // decay_biases_and_norm false: a bias is not decayed.
    auto b = param("b", {1.0f}, nn::ParamKind::bias);
    AdamW adam({b}, {.lr = 0.1, .weight_decay = 0.1, .decay_biases_and_norm = false});
    set_grad(b, {0.5f});
    adam.step();
    CHECK(b.var.value().at(0) == Approx(0.9f));
}

TEST_CASE("AdamW bias corrections on a changing gradient", "[optim][adamw]") {
    // lr 1, betas (0.5, 0.5), g = 1, −1, 2, p = 1 (eps 1e-8 is below the checks' precision).
    // t 1: m = 0.5,   v = 0.5;    m̂ = 0.5/0.5 = 1,         v̂ = 1;               p = 1 − 1/1          = 0
    // t 2: m = −0.25, v = 0.75;   m̂ = −0.25/0.75 = −1/3,   v̂ = 0.75/0.75 = 1;   p = 0 + 1/3          = 0.333333
    // t 3: m = 0.875, v = 2.375;  m̂ = 0.875/0.875 = 1,     v̂ = 2.375/0.875;     p = 1/3 − 1/√2.714286 = −0.273644
    const auto t = trajectory({.lr = 1.0, .beta1 = 0.5, .beta2 = 0.5, .weight_decay = 0.0}, 1.0f, {1.0f, -1.0f, 2.0f});
    CHECK(t[0] == Approx(0.0f).margin(1e-6));
    CHECK(t[1] == Approx(0.333333f));
    CHECK(t[2] == Approx(-0.273644f));
}

namespace {

// The inputs of the PyTorch comparison: p0[i] = ((i + shift) mod 7 − 3)·0.25 and, at step t = 0, 1, 2,
// g[i] = ((i·(t + 3) + shift) mod 11 − 5)·0.1, each worked out in double and rounded to float.
std::vector<float> pattern_init(std::int64_t n, std::int64_t shift) {
    std::vector<float> v;
    for (std::int64_t i = 0; i < n; ++i)
        v.push_back(static_cast<float>(static_cast<double>((i + shift) % 7 - 3) * 0.25));
    return v;
}

std::vector<float> pattern_grad(std::int64_t n, std::int64_t t, std::int64_t shift) {
    std::vector<float> v;
    for (std::int64_t i = 0; i < n; ++i)
        v.push_back(static_cast<float>(static_cast<double>((i * (t + 3) + shift) % 11 - 5) * 0.1));
    return v;
}

void check_same(const std::vector<float>& got, const std::vector<float>& expected) {
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        INFO("element " << i);
        CHECK(got[i] == expected[i]);
    }
}

}  // namespace

TEST_CASE("AdamW matches torch.optim.AdamW", "[optim][adamw]") {
    // With torch 1.13 (Debian's python3-torch), one thread: AdamW([{params: [w, big]}, {params: [b],
    // weight_decay: 0}], lr=1e-2, betas=(0.9, 0.98), eps=1e-3, weight_decay=0.1), three steps at lr 1e-2, 5e-3 and
    // 2e-2, the gradients of pattern_grad with shifts 0 (w, 12 elements), 3 (b, 5) and 5 (big, 40); the inits
    // pattern_init with shifts 0, 2 and 1. The values printed with %.9g, which a float reads back exactly: the update
    // is torch's to the bit. eps 1e-3 is large so that its place (added to √v̂) shows.
    auto w = param("w", pattern_init(12, 0));
    auto b = param("b", pattern_init(5, 2), nn::ParamKind::bias);
    auto big = param("big", pattern_init(40, 1));
    AdamW adam(
        {w, b, big},
        {.lr = 1e-2, .beta1 = 0.9, .beta2 = 0.98, .eps = 1e-3, .weight_decay = 0.1, .decay_biases_and_norm = false});
    const double lrs[] = {1e-2, 5e-3, 2e-2};
    for (std::int64_t t = 0; t < 3; ++t) {
        adam.set_lr(lrs[t]);
        set_grad(w, pattern_grad(12, t, 0));
        set_grad(b, pattern_grad(5, t, 3));
        set_grad(big, pattern_grad(40, t, 5));
        adam.step();
    }
    check_same(values(w.var.value()),
               {-0.712482333f, -0.469279826f, -0.281752288f, -0.0066570621f, 0.260711819f, 0.503165066f, 0.733479798f,
                -0.765567005f, -0.49819538f, -0.229073584f, -0.0326618627f, 0.28402108f});
    check_same(values(b.var.value()), {-0.215174124f, -0.0336513445f, 0.248529106f, 0.520112574f, 0.762691677f});
    check_same(values(big.var.value()),
               {-0.498251736f, -0.283850521f, 0.0315448456f,  0.25131315f,  0.476416469f, 0.725567997f, -0.725567997f,
                -0.476416469f, -0.25131315f,  -0.0315448456f, 0.283850521f, 0.498251736f, 0.712652922f, -0.715832829f,
                -0.496064484f, -0.270961195f, -0.0218095575f, 0.270935446f, 0.520087123f, 0.745190382f, -0.778922439f,
                -0.463527083f, -0.249125868f, -0.0347246565f, 0.280670732f, 0.500438988f, 0.725542367f, -0.769187212f,
                -0.476442188f, -0.227290571f, -0.0021872716f, 0.217581034f, 0.532976389f, 0.747377634f, -0.782102287f,
                -0.466706902f, -0.246938601f, -0.0218353085f, 0.22731632f,  0.520061314f});
    const nn::StateDict state = adam.state();
    check_same(values(state.at("w.exp_avg")),
               {-0.135499999f, -0.0252f, 0.0850999951f, -0.0135999992f, 0.00760000013f, 0.00790000055f, 0.0192000028f,
                0.0194999985f, 0.0406999998f, -0.0580000021f, 0.0523000024f, -0.135499999f});
    check_same(values(state.at("w.exp_avg_sq")),
               {0.0147019997f, 0.000964320032f, 0.00695607997f, 0.00640928047f, 0.00627328036f, 0.00412808033f,
                0.0043323203f, 0.00679800054f, 0.00742872059f, 0.00398400007f, 0.00271272031f, 0.0147019997f});
    CHECK(state.at("w.step").at(0) == 3.0f);
}

TEST_CASE("AdamW skips a parameter without a gradient and its step count", "[optim][adamw]") {
    auto a = param("a", {1.0f});
    auto b = param("b", {1.0f});
    AdamW adam({a, b}, {.lr = 0.1, .weight_decay = 0.1});
    set_grad(a, {0.5f});
    adam.step();
    CHECK(b.var.value().at(0) == 1.0f);  // not even decayed
    CHECK(adam.state().count("b.step") == 0);
    set_grad(a, {0.5f});
    set_grad(b, {0.5f});
    adam.step();
    // b's first step: 1·0.99 − 0.1, as a's was.
    CHECK(b.var.value().at(0) == Approx(0.89f));
    CHECK(adam.state().at("a.step").at(0) == 2.0f);
    CHECK(adam.state().at("b.step").at(0) == 1.0f);
}

namespace {

const AdamWOptions kOptions{.lr = 0.01, .beta2 = 0.98, .weight_decay = 1e-4, .decay_biases_and_norm = false};

}  // namespace

TEST_CASE("an AdamW run resumed from its state continues bit-identically", "[optim][adamw]") {
    auto model = testing::make_resume_model(1);
    AdamW adam(model->named_parameters(), kOptions);
    for (int i = 0; i < 3; ++i) testing::resume_step(*model, adam);
    const nn::StateDict model_state = model->state();
    const nn::StateDict opt_state = adam.state();
    CHECK(opt_state.size() == 4 * 3);
    CHECK(opt_state.at("2.bias.step").at(0) == 3.0f);
    CHECK(opt_state.at("0.weight.exp_avg_sq").shape() == Shape({8, 3}));
    for (int i = 0; i < 3; ++i) testing::resume_step(*model, adam);
    const auto uninterrupted = testing::flat_params(*model);

    auto resumed = testing::make_resume_model(2);
    resumed->load_state(model_state);
    AdamW resumed_adam(resumed->named_parameters(), kOptions);
    resumed_adam.load_state(opt_state);
    for (int i = 0; i < 3; ++i) testing::resume_step(*resumed, resumed_adam);
    CHECK(testing::flat_params(*resumed) == uninterrupted);

    // Without the moments and step counts the continuation differs: the state matters.
    auto restarted = testing::make_resume_model(3);
    restarted->load_state(model_state);
    AdamW fresh(restarted->named_parameters(), kOptions);
    for (int i = 0; i < 3; ++i) testing::resume_step(*restarted, fresh);
    CHECK(testing::flat_params(*restarted) != uninterrupted);
    // Loading an empty state starts every parameter afresh, as a new optimizer does.
    auto again = testing::make_resume_model(4);
    again->load_state(model_state);
    AdamW emptied(again->named_parameters(), kOptions);
    emptied.load_state(opt_state);
    emptied.load_state({});
    for (int i = 0; i < 3; ++i) testing::resume_step(*again, emptied);
    CHECK(testing::flat_params(*again) == testing::flat_params(*restarted));
}

TEST_CASE("AdamW state export is a snapshot and import is checked", "[optim][adamw]") {
    auto model = testing::make_resume_model(4);
    AdamW adam(model->named_parameters(), kOptions);
    CHECK(adam.state().empty());
    testing::resume_step(*model, adam);
    const nn::StateDict state = adam.state();
    const nn::StateDict view = adam.state_view();
    const float first = state.at("0.weight.exp_avg").at(0);
    testing::resume_step(*model, adam);
    CHECK(state.at("0.weight.exp_avg").at(0) == first);
    CHECK(view.at("0.weight.exp_avg").at(0) != first);  // the view follows the optimizer
    CHECK(view.at("0.weight.step").at(0) == 2.0f);

    const auto refused = [&](const std::function<void(nn::StateDict&)>& change) {
        nn::StateDict s = state;
        change(s);
        try {
            adam.load_state(s);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK_THAT(refused([](nn::StateDict& s) { s["9.weight.exp_avg"] = Tensor::zeros({1}); }),
               Catch::Contains("'9.weight' is not a parameter"));
    CHECK_THAT(refused([](nn::StateDict& s) {
                   s["0.weight"] = Tensor::zeros({8, 3});
               }),
               Catch::Contains("'0.weight' is not an AdamW entry"));
    CHECK_THAT(refused([](nn::StateDict& s) { s["0.bias.exp_avg_sq"] = Tensor::zeros({3}); }),
               Catch::Contains("'0.bias.exp_avg_sq' has shape [3], the parameter [8]"));
    CHECK_THAT(refused([](nn::StateDict& s) { s.erase("0.bias.step"); }),
               Catch::Contains("'0.bias' has 2 of its entries"));
    CHECK_THAT(refused([](nn::StateDict& s) { s["0.bias.step"] = Tensor::full({1}, 1.5f); }),
               Catch::Contains("'0.bias.step' is 1.5, not a whole number"));
    CHECK_THAT(refused([](nn::StateDict& s) { s["0.bias.step"] = Tensor::full({1}, 0.0f); }),
               Catch::Contains("not a whole number of steps"));
    CHECK_THAT(refused([](nn::StateDict& s) { s["0.bias.step"] = Tensor::zeros({2}); }),
               Catch::Contains("a step count has [1]"));
    // Nothing was changed by the refusals: the state still holds the second step's.
    CHECK(adam.state().at("0.weight.exp_avg").at(0) == view.at("0.weight.exp_avg").at(0));
    CHECK(adam.state().at("0.weight.step").at(0) == 2.0f);
}

TEST_CASE("AdamW refuses bad options", "[optim][adamw]") {
    auto p = param("p", {1.0f});
    CHECK_THROWS_WITH(AdamW({p}, {}), Catch::Contains("lr must be > 0"));
    CHECK_THROWS_WITH(AdamW({p}, {.lr = 0.1, .beta2 = 1.0}), Catch::Contains("betas must be in [0, 1), got 1"));
    CHECK_THROWS_WITH(AdamW({p}, {.lr = 0.1, .eps = 0.0}), Catch::Contains("eps must be > 0"));
    CHECK_THROWS_WITH(AdamW({p, p}, {.lr = 0.1}), Catch::Contains("appears twice"));
}

TEST_CASE("AdamW split over threads gives the same bits at 1 and 2 threads", "[optim][adamw]") {
    // 100003 elements span several chunks of the split, the last one partial.
    constexpr std::int64_t n = 100003;
    std::vector<float> p0(n), g(n);
    for (std::int64_t i = 0; i < n; ++i) {
        p0[static_cast<std::size_t>(i)] = static_cast<float>(i) * 1e-3f;
        g[static_cast<std::size_t>(i)] = 1.0f - static_cast<float>(i) * 1e-5f;
    }
    const int threads_before = runtime::thread_info().threads;
    std::vector<std::vector<float>> runs;
    for (const int threads : {1, 2}) {
        runtime::init_threads(threads);
        auto p = param("p", p0);
        AdamW adam({p}, {.lr = 0.01});
        for (int s = 0; s < 2; ++s) {
            set_grad(p, g);
            adam.step();
        }
        runs.push_back(values(p.var.value()));
    }
    runtime::init_threads(threads_before);
    CHECK(runs[0] == runs[1]);
    // A constant gradient makes each update lr = 0.01 against its sign, after the decay by 1 − lr·0.01 (PyTorch's
    // default weight decay): element 0 (g = 1) goes 0 → −0.01 → −0.01·0.9999 − 0.01; the last (g < 0) the other way.
    INFO(std::setprecision(9) << runs[1][0] << " " << runs[1][n - 1]);
    CHECK(runs[1][0] == Approx(-0.019999f).epsilon(1e-6));
    CHECK(runs[1][n - 1] == Approx(p0[n - 1] * 0.9999f * 0.9999f + 0.02f).epsilon(1e-6));
}
