// Logit-matching loss: w · mean over the batch of ½‖z − t‖²; its gradient is w·(z − t)/N.
#include <memory>

#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/ops/ops.hpp"

namespace lskd::ops {
namespace {

struct SquaredErrorNode : Node {
    Tensor difference;  // z − t
    float weight = 1.0f;

    void backward(const Tensor& gout) override {
        const float scale = weight * gout.at(0) / static_cast<float>(difference.dim(0));
        Tensor gz = Tensor::empty(difference.shape());
        for (std::int64_t i = 0; i < gz.numel(); ++i) gz.at(i) = scale * difference.at(i);
        accumulate_grad(*inputs[0], gz);
    }
    const char* name() const override { return "squared_error"; }
};

}  // namespace

Variable squared_error(const Variable& z, const Tensor& target, float weight) {
    if (z.value().rank() != 2 || !(z.shape() == target.shape()))
        fail("squared_error: values {} and targets {} must both be [N, K]", z.shape().str(), target.shape().str());
    Tensor difference = Tensor::empty(z.shape());
    double total = 0.0;
    for (std::int64_t i = 0; i < difference.numel(); ++i) {
        const float d = z.value().at(i) - target.at(i);
        difference.at(i) = d;
        total += 0.5 * static_cast<double>(d) * d;
    }
    Tensor loss = Tensor::full({1}, static_cast<float>(weight * total / static_cast<double>(z.dim(0))));
    std::shared_ptr<SquaredErrorNode> node;
    if (needs_graph({&z})) {
        node = std::make_shared<SquaredErrorNode>();
        node->difference = std::move(difference);
        node->weight = weight;
    }
    return make_output(std::move(loss), std::move(node), {&z});
}

}  // namespace lskd::ops
