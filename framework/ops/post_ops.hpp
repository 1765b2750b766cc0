// ops::PostOps: what an op applies to its own result inside the same oneDNN primitive (its epilogue). Ops stay
// single-purpose: each computes one thing, and takes the epilogue as this typed argument, which only the fusion
// plan (framework/layers/fusion_plan.hpp) fills. With the default (none) an op is exactly its mathematical self;
// with relu it equals relu(op(...)) bit for bit, forward and backward (tests/ops/test_fused_relu.cpp).
#pragma once
#include "framework/core/error.hpp"

namespace lskd::ops {

// Under bf16 compute precision, whether an op reads an input that already holds bf16 values (the previous op's bf16
// output) and whether it writes its output as bf16, for the next op to read as it is: activations stay bf16 between
// two such primitives (docs/speed.md, "bf16 mixed precision"). Such a tensor keeps its logical shape and its
// f32-sized storage, whose first half the bf16 values fill. In the differentiable pass the gradient of a bf16 tensor
// is a bf16 tensor too: an op with `input` writes its input's gradient as bf16, one with `output` receives its
// output's gradient as bf16. Under f32 precision both must be false.
struct Bf16Io {
    bool input = false;
    bool output = false;

    bool any() const { return input || output; }
    friend bool operator==(const Bf16Io&, const Bf16Io&) = default;
};

struct PostOps {
    bool sum = false;   // adds the destination's previous contents (a residual): inference convolutions only
    bool relu = false;  // max(0, ·), after the sum
    Bf16Io bf16{};      // the differentiable pass's bf16 activations, set by the graph-mode plan only

    bool none() const { return !sum && !relu && !bf16.any(); }
    friend bool operator==(const PostOps&, const PostOps&) = default;
};

// Fails, naming `op`, when `post` asks for an epilogue outside `supported`.
inline void check_post_ops(const char* op, const PostOps& post, const PostOps& supported) {
    const bool sum = post.sum && !supported.sum, relu = post.relu && !supported.relu;
    const bool in = post.bf16.input && !supported.bf16.input, out = post.bf16.output && !supported.bf16.output;
    if (sum || relu || in || out)
        fail("{}: unsupported post-op{}{}{}{}", op, sum ? " sum" : "", relu ? " relu" : "", in ? " bf16 input" : "",
             out ? " bf16 output" : "");
}

}  // namespace lskd::ops
