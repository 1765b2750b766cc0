// Logit-matching loss: w · mean over the batch of ½‖z − t‖²; its gradient is w·(z − t)/N.
#include "framework/core/error.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/record.hpp"

namespace lskd::ops {
namespace {

struct SquaredErrorNode : Node {
    Tensor difference;  // z − t
    float weight = 1.0f;
    void backward(const Tensor& gout) override;
};

}  // namespace

Variable squared_error(const Variable& z, const Tensor& target, float weight) {
    check_input_type("squared_error", z, false);
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
    return record<SquaredErrorNode>(OpKind::squared_error, std::move(loss), needs_graph({&z}), {&z},
                                    [&](SquaredErrorNode& node) {
                                        node.difference = std::move(difference);
                                        node.weight = weight;
                                    });
}

void SquaredErrorNode::backward(const Tensor& gout) {
    const float scale = weight * gout.at(0) / static_cast<float>(difference.dim(0));
    Tensor gz = Tensor::empty(difference.shape());
    for (std::int64_t i = 0; i < gz.numel(); ++i) gz.at(i) = scale * difference.at(i);
    accumulate_grad(*inputs[0], gz);
}

}  // namespace lskd::ops
