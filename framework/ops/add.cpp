// add: oneDNN binary add on the flat buffers; the gradient flows unchanged to both inputs. With the relu post-op,
// max(0, ·) runs as the binary primitive's post-op (a residual block's add and ReLU in one pass), and the
// gradient both inputs receive is dy·[y > 0] from the saved output, as the relu op would compute it.
//
// Under bf16 compute precision either input may hold bf16 values (Variable::holds_bf16, post_ops.hpp) and the output
// is bf16 with post.bf16.output; the sum is computed in f32 and rounded once. oneDNN 2.6's jit binary kernel needs
// its first source in the output's type (the second may be either; otherwise it falls back to a reference kernel
// tens of times slower), so an input of the output's type goes first (addition commutes: the same sum), and an
// output of a type neither input has is refused. Each input's gradient is the output's, in that input's type.
#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/dnnl/reorder.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/precision.hpp"
#include "framework/ops/record.hpp"
#include "framework/ops/relu_backward.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;

// Which of the three hold bf16; `a_first`: a is the primitive's first source.
struct AddTypes {
    bool a = false, b = false, out = false;
    bool a_first() const { return a == out; }
    bool second() const { return a_first() ? b : a; }  // the second source's type
};

struct AddEntry {
    dnnl_ctx::BoundPrimitive forward;
    dnnl_ctx::BoundPrimitive gradient_to_second;  // when the second source's type differs from the output's
};

AddEntry& entry(std::int64_t n, bool relu, AddTypes t) {
    static dnnl_ctx::PrimitiveCache<AddEntry> cache;
    return cache.get({static_cast<std::uint32_t>(OpKind::add), {n, relu, t.a, t.b, t.out}}, [&] {
        const auto out = dnnl_ctx::md_x(n, dnnl_ctx::value_type(t.out));
        const auto second = dnnl_ctx::md_x(n, dnnl_ctx::value_type(t.second()));
        binary::primitive_desc pd(binary::desc(algorithm::binary_add, out, second, out),
                                  dnnl_ctx::scratchpad_attr(relu), dnnl_ctx::engine());
        AddEntry e;
        e.forward = dnnl_ctx::BoundPrimitive(
            binary(pd), {{DNNL_ARG_SRC_0, out}, {DNNL_ARG_SRC_1, second}, {DNNL_ARG_DST, out}}, pd.scratchpad_desc());
        if (t.second() != t.out) e.gradient_to_second = dnnl_ctx::make_reorder(out, second);
        return e;
    });
}

struct AddNode : Node {
    AddEntry* prims = nullptr;
    AddTypes types;
    bool relu = false;  // the output was saved, to mask the incoming gradient
    void backward(const Tensor& gout) override;
};

AddTypes add_types(const Variable& a, const Variable& b, const PostOps& post) {
    const AddTypes t{a.holds_bf16(), b.holds_bf16(), post.bf16.output};
    if ((t.a || t.b || t.out) && compute_precision() != Precision::bf16)
        fail("add: bf16 activations under f32 compute precision");
    if (t.a != t.out && t.b != t.out)
        fail("add: {} output from two {} inputs (convert one first)", t.out ? "a bf16" : "an f32",
             t.a ? "bf16" : "f32");
    return t;
}

}  // namespace

Variable add(const Variable& a, const Variable& b, const PostOps& post) {
    check_post_ops("add", post, {.relu = true, .bf16 = {.output = true}});
    if (!(a.shape() == b.shape())) fail("add: shapes {} and {} differ", a.shape().str(), b.shape().str());
    const AddTypes types = add_types(a, b, post);
    const bool relu = post.relu;
    Tensor y = Tensor::empty(a.shape());
    AddEntry& prims = entry(y.numel(), relu, types);
    prims.forward.set(DNNL_ARG_SRC_0, (types.a_first() ? a : b).value().data())
        .set(DNNL_ARG_SRC_1, (types.a_first() ? b : a).value().data())
        .set(DNNL_ARG_DST, y.data())
        .run();
    Variable out = record<AddNode>(OpKind::add, y, needs_graph({&a, &b}), {&a, &b}, [&](AddNode& node) {
        node.prims = &prims;
        node.types = types;
        node.relu = relu;
        if (relu) node.save(y, "output");
    });
    return holding_bf16(std::move(out), types.out);
}

void AddNode::backward(const Tensor& grad_output) {
    const Tensor gout = relu ? relu_backward(saved(0), grad_output, types.out) : grad_output;
    const bool convert = types.second() != types.out && needs_grad(types.a_first() ? 1 : 0);
    Tensor converted;
    if (convert) {
        converted = Tensor::empty(gout.shape());
        prims->gradient_to_second.set(DNNL_ARG_FROM, gout.data()).set(DNNL_ARG_TO, converted.data()).run();
    }
    accumulate_grad(*inputs[0], types.a == types.out ? gout : converted);
    accumulate_grad(*inputs[1], types.b == types.out ? gout : converted);
}

}  // namespace lskd::ops
