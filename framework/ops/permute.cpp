// permute: one oneDNN reorder between two descriptors of the output's logical dims, the input's buffer described
// by its own strides taken in the output's order and the output plain. Backward is the same reorder reversed,
// which is the inverse permutation.
#include <array>
#include <vector>

#include <fmt/ranges.h>

#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/dnnl/reorder.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/record.hpp"
#include "framework/ops/sequence_ops.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;
using dnnl_ctx::BoundPrimitive;

struct PermuteEntry {
    BoundPrimitive forward;   // FROM the input's buffer, TO the output's
    BoundPrimitive backward;  // FROM the output gradient's buffer, TO the input gradient's
};

PermuteEntry make_entry(const Shape& in, const std::array<int, 4>& order, bool training) {
    memory::dims out_dims(4), in_strides(4);
    const std::array<std::int64_t, 4> row_major{in[1] * in[2] * in[3], in[2] * in[3], in[3], 1};
    for (int i = 0; i < 4; ++i) {
        out_dims[i] = in[order[i]];
        in_strides[i] = row_major[order[i]];
    }
    const memory::desc as_input(out_dims, memory::data_type::f32, in_strides);
    const memory::desc as_output(out_dims, memory::data_type::f32, memory::format_tag::abcd);
    PermuteEntry e;
    e.forward = dnnl_ctx::make_reorder(as_input, as_output);
    if (training) e.backward = dnnl_ctx::make_reorder(as_output, as_input);
    return e;
}

PermuteEntry& entry(const Shape& in, const std::array<int, 4>& order, bool training) {
    static dnnl_ctx::PrimitiveCache<PermuteEntry> cache;
    return cache.get({static_cast<std::uint32_t>(OpKind::permute),
                      {in[0], in[1], in[2], in[3], order[0], order[1], order[2], order[3], training}},
                     [&] { return make_entry(in, order, training); });
}

// The order as an array, after checking that it is a permutation of the four dimensions of a rank-4 x.
std::array<int, 4> checked_order(const Shape& x, const std::vector<int>& order) {
    if (x.rank() != 4) fail("permute: expected a rank-4 input, got {}", x.str());
    std::array<int, 4> o{};
    std::array<bool, 4> seen{};
    bool ok = order.size() == 4;
    for (std::size_t i = 0; ok && i < 4; ++i) {
        ok = order[i] >= 0 && order[i] < 4 && !seen[static_cast<std::size_t>(order[i])];
        if (ok) seen[static_cast<std::size_t>(order[i])] = true, o[i] = order[i];
    }
    if (!ok) fail("permute: order [{}] is not a permutation of 0, 1, 2, 3", fmt::join(order, ", "));
    return o;
}

struct PermuteNode : Node {
    BoundPrimitive* backward_reorder = nullptr;
    Shape input_shape;
    void backward(const Tensor& gout) override;
};

}  // namespace

Variable permute(const Variable& x, const std::vector<int>& order) {
    check_input_type("permute", x, false);
    const std::array<int, 4> o = checked_order(x.shape(), order);
    const bool graph = needs_graph({&x});
    PermuteEntry& prims = entry(x.shape(), o, graph);
    Tensor y = Tensor::empty({x.dim(o[0]), x.dim(o[1]), x.dim(o[2]), x.dim(o[3])});
    prims.forward.set(DNNL_ARG_FROM, x.value().data()).set(DNNL_ARG_TO, y.data()).run();
    return record<PermuteNode>(OpKind::permute, y, graph, {&x}, [&](PermuteNode& node) {
        node.backward_reorder = &prims.backward;
        node.input_shape = x.shape();
    });
}

void PermuteNode::backward(const Tensor& gout) {
    Tensor gx = Tensor::empty(input_shape);
    backward_reorder->set(DNNL_ARG_FROM, gout.data()).set(DNNL_ARG_TO, gx.data()).run();
    accumulate_grad(*inputs[0], gx);
}

}  // namespace lskd::ops
