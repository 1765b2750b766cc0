// ops::PostOps: what an op applies to its own result inside the same oneDNN primitive (its epilogue). Ops stay
// single-purpose: each computes one thing, and takes the epilogue as this typed argument, which only the fusion
// plan (framework/layers/fusion_plan.hpp) fills. With the default (none) an op is exactly its mathematical self;
// with relu it equals relu(op(...)) bit for bit, forward and backward (tests/ops/test_fused_relu.cpp).
#pragma once
#include "framework/core/error.hpp"

namespace lskd::ops {

struct PostOps {
    bool sum = false;   // adds the destination's previous contents (a residual): inference convolutions only
    bool relu = false;  // max(0, ·), after the sum

    bool none() const { return !sum && !relu; }
    friend bool operator==(const PostOps&, const PostOps&) = default;
};

// Fails, naming `op`, when `post` asks for an epilogue outside `supported`.
inline void check_post_ops(const char* op, const PostOps& post, const PostOps& supported) {
    if ((post.sum && !supported.sum) || (post.relu && !supported.relu))
        fail("{}: unsupported post-op{}{}", op, post.sum && !supported.sum ? " sum" : "",
             post.relu && !supported.relu ? " relu" : "");
}

}  // namespace lskd::ops
