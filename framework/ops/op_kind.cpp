#include "framework/ops/op_kind.hpp"

namespace lskd {

const char* op_name(OpKind kind) {
    switch (kind) {
        case OpKind::linear: return "linear";
        case OpKind::conv2d: return "conv2d";
        case OpKind::max_pool2d: return "max_pool2d";
        case OpKind::avg_pool2d: return "avg_pool2d";
        case OpKind::global_avg_pool: return "global_avg_pool";
        case OpKind::batch_norm: return "batch_norm";
        case OpKind::relu: return "relu";
        case OpKind::add: return "add";
        case OpKind::reshape: return "reshape";
        case OpKind::log_softmax: return "log_softmax";
        case OpKind::soft_target_cross_entropy: return "soft_target_cross_entropy";
        case OpKind::squared_error: return "squared_error";
        case OpKind::dropout: return "dropout";
        case OpKind::embedding: return "embedding";
        case OpKind::batched_matmul: return "batched_matmul";
        case OpKind::permute: return "permute";
        case OpKind::layer_norm: return "layer_norm";
        case OpKind::masked_softmax: return "masked_softmax";
        case OpKind::gelu: return "gelu";
        case OpKind::token_cross_entropy: return "token_cross_entropy";
        case OpKind::narrow: return "narrow";
        case OpKind::scale: return "scale";
        case OpKind::count: break;
    }
    return "?";
}

}  // namespace lskd
