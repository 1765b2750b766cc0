// In-place writes bump a storage-wide version; backward refuses a node whose saved tensors were written
// after the forward pass, naming the op and the tensor, and accepts changes to tensors it did not save.
#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/layers/init.hpp"
#include "framework/layers/linear.hpp"
#include "framework/ops/ops.hpp"
#include "framework/optim/sgd.hpp"

using namespace lskd;

namespace {

Variable param(const Shape& shape, std::vector<float> values) { return Variable(Tensor::from(shape, values), true); }

}  // namespace

TEST_CASE("every in-place write bumps the version shared by all handles to the storage", "[autograd][inplace]") {
    Tensor a = Tensor::from({2, 2}, std::vector<float>{1, 2, 3, 4});
    CHECK(a.version() == 0);
    Tensor view = a.reshaped({4});
    Tensor copy = a.clone();
    a.values_in_place()[0] = 5.0f;
    CHECK(a.version() == 1);
    CHECK(view.version() == 1);
    CHECK(copy.version() == 0);
    view.fill(0.0f);
    a.copy_from(copy);
    CHECK(a.version() == 3);
    Rng rng(1);
    nn::init::kaiming_uniform_(a, rng);
    CHECK(view.version() == 4);
    CHECK(Tensor().version() == 0);
    CHECK(Tensor::full({2}, 1.0f).version() == 0);
}

TEST_CASE("backward names the op and the saved tensor that was changed in place", "[autograd][inplace]") {
    Variable x = param({2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
    Variable w = param({3, 4}, {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0});
    Variable b = param({3}, {0, 0, 0});
    Variable y = ops::linear(x, w, b);
    w.value().values_in_place()[0] = 2.0f;
    CHECK_THROWS_MATCHES(y.backward(Tensor::full(y.shape(), 1.0f)), Error,
                         Catch::Message("backward of linear: its saved tensor 'weight' [3, 4] was changed in place "
                                        "after the forward pass (version 1, saved at 0)"));

    Variable z = ops::relu(ops::linear(x, w, b));
    z.value().values_in_place()[1] = 0.0f;  // relu's backward reads its output
    CHECK_THROWS_MATCHES(z.backward(Tensor::full(z.shape(), 1.0f)), Error,
                         Catch::Message("backward of relu: its saved tensor 'output' [2, 3] was changed in place "
                                        "after the forward pass (version 1, saved at 0)"));

    Tensor targets = Tensor::from({2, 3}, std::vector<float>{1, 0, 0, 0, 1, 0});
    Variable loss = ops::soft_target_cross_entropy(ops::linear(x, w, b), targets);
    targets.fill(0.5f);
    CHECK_THROWS_WITH(loss.backward(), Catch::StartsWith("backward of soft_target_cross_entropy: its saved tensor "
                                                         "'targets' [2, 3] was changed in place"));
}

TEST_CASE("an optimizer step or a batch-norm parameter write between forward and backward is caught",
          "[autograd][inplace]") {
    Variable x = param({4, 2}, {0, 1, 2, 3, 4, 5, 6, 7});
    Variable gamma = param({2}, {1, 1});
    Variable beta = param({2}, {0, 0});
    Tensor running_mean = Tensor::zeros({2}), running_var = Tensor::full({2}, 1.0f);
    const ops::BatchNormState state{&running_mean, &running_var};
    Variable y = ops::batch_norm(x, gamma, beta, state);
    gamma.value().fill(2.0f);
    CHECK_THROWS_WITH(y.backward(Tensor::full(y.shape(), 1.0f)),
                      Catch::StartsWith("backward of batch_norm: its saved tensor 'gamma' [2]"));

    Variable w = param({1, 2}, {0.5f, -1.0f});
    optim::SGD sgd({{"w", w, nn::ParamKind::weight}}, {.lr = 0.1});
    Variable first = ops::linear(x, w, Variable());
    first.backward(Tensor::full(first.shape(), 1.0f));
    Variable second = ops::linear(x, w, Variable());
    sgd.step();  // writes w, which `second` saved
    CHECK_THROWS_WITH(second.backward(Tensor::full(second.shape(), 1.0f)),
                      Catch::StartsWith("backward of linear: its saved tensor 'weight' [1, 2]"));
}

TEST_CASE("loading parameters (a run file's) between forward and backward is caught", "[autograd][inplace]") {
    Rng rng(3);
    nn::Linear layer(rng, 4, 2);
    const nn::StateDict snapshot = layer.state();
    Variable y = layer(Variable(Tensor::full({3, 4}, 1.0f)));
    layer.load_state(snapshot);  // the same values, but written in place
    CHECK_THROWS_WITH(y.backward(Tensor::full(y.shape(), 1.0f)),
                      Catch::StartsWith("backward of linear: its saved tensor 'weight' [2, 4]"));
}

TEST_CASE("changes to tensors a node did not save do not stop backward", "[autograd][inplace]") {
    Variable x = param({2, 2}, {1, -2, 3, -4});
    Variable w = param({2, 2}, {1, 0, 0, 1});
    Variable b = param({2}, {0.5f, 0.5f});
    Variable h = ops::linear(x, w, b);  // linear's backward reads x and w, never b
    Variable y = ops::relu(h);          // relu's backward reads its output, never its input
    b.value().fill(7.0f);
    h.value().fill(-1.0f);
    y.backward(Tensor::full(y.shape(), 1.0f));
    // h = x + 0.5 = {1.5, −1.5, 3.5, −3.5}: relu passes the gradient where h > 0, so db = (1, 0) + (1, 0).
    CHECK(b.grad().at(0) == 2.0f);
    CHECK(b.grad().at(1) == 0.0f);
    // dw = dhᵀ·x with dh = {1, 0, 1, 0}: row 0 = x₀ + x₁ = (1 + 3, −2 − 4), row 1 = 0.
    CHECK(w.grad().at(0) == 4.0f);
    CHECK(w.grad().at(1) == -6.0f);
    CHECK(w.grad().at(2) == 0.0f);
    CHECK(w.grad().at(3) == 0.0f);
}

TEST_CASE("an optimizer step after backward, then a new forward and backward, works", "[autograd][inplace]") {
    Variable x = param({1, 2}, {1, 2});
    Variable w = param({1, 2}, {0.5f, -1.0f});
    optim::SGD sgd({{"w", w, nn::ParamKind::weight}}, {.lr = 0.1});
    Variable y = ops::linear(x, w, Variable());
    y.backward(Tensor::full({1, 1}, 1.0f));
    CHECK(w.grad().at(0) == 1.0f);  // dw = x
    CHECK(w.grad().at(1) == 2.0f);
    sgd.step();  // w = (0.5 − 0.1, −1 − 0.2) = (0.4, −1.2)
    sgd.zero_grad();
    x.grad() = Tensor();
    Variable again = ops::linear(x, w, Variable());
    CHECK(again.value().at(0) == Approx(0.4f - 2.4f));
    again.backward(Tensor::full({1, 1}, 1.0f));
    CHECK(x.grad().at(0) == Approx(0.4f));  // dx = w after the step
    CHECK(x.grad().at(1) == Approx(-1.2f));
}
