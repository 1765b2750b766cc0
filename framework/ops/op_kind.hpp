// Every differentiable op of the engine, by id: primitive cache keys use it, and the gradient-check test
// walks the whole list so that no op goes unchecked.
#pragma once
#include <cstdint>

namespace lskd {

enum class OpKind : std::uint32_t {
    linear,
    conv2d,
    max_pool2d,
    avg_pool2d,
    global_avg_pool,
    batch_norm,
    relu,
    add,
    reshape,
    log_softmax,
    soft_target_cross_entropy,
    squared_error,
    dropout,
    embedding,
    batched_matmul,
    permute,
    layer_norm,
    masked_softmax,
    gelu,
    token_cross_entropy,
    narrow,
    scale,
    count
};

const char* op_name(OpKind kind);

}  // namespace lskd
