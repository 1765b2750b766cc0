#include "framework/layers/transformer_block.hpp"

#include "framework/ops/ops.hpp"
#include "framework/ops/sequence_ops.hpp"

namespace lskd::nn {

Variable feed_forward(Linear& linear1, Dropout& dropout, Linear& linear2, Activation activation, const Variable& x) {
    const Variable rows = ops::reshape(x, {x.dim(0) * x.dim(1), x.dim(2)});
    // ReLU runs inside the inner product, as the fusion plan would run a Linear and the ReLU after it.
    const Variable hidden = activation == Activation::relu ? linear1.forward_with(rows, {.relu = true})
                                                           : ops::gelu(linear1.forward(rows));
    return ops::reshape(linear2.forward(dropout.forward(hidden)), x.shape());
}

}  // namespace lskd::nn
