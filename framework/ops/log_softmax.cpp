// log_softmax over the last axis of [N, K]: oneDNN softmax_v2 (softmax_log), backward from the output.
#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/log_softmax_primitive.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/output_backward.hpp"
#include "framework/ops/record.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;
using dnnl_ctx::BoundPrimitive;

struct LogSoftmaxEntry {
    BoundPrimitive forward;
    BoundPrimitive backward;
};

LogSoftmaxEntry& entry(std::int64_t n, std::int64_t k, bool training) {
    static dnnl_ctx::PrimitiveCache<LogSoftmaxEntry> cache;
    return cache.get({static_cast<std::uint32_t>(OpKind::log_softmax), {n, k, training}}, [&] {
        const auto md = dnnl_ctx::md_nc(n, k);
        const auto attr = dnnl_ctx::scratchpad_attr();
        const auto prop = training ? prop_kind::forward_training : prop_kind::forward_inference;
        softmax_v2_forward::primitive_desc fwd(softmax_v2_forward::desc(prop, algorithm::softmax_log, md, md, 1), attr,
                                               dnnl_ctx::engine());
        LogSoftmaxEntry e;
        e.forward =
            BoundPrimitive(softmax_v2_forward(fwd), {{DNNL_ARG_SRC, md}, {DNNL_ARG_DST, md}}, fwd.scratchpad_desc());
        if (training) {
            softmax_v2_backward::primitive_desc bwd(softmax_v2_backward::desc(algorithm::softmax_log, md, md, md, 1),
                                                    attr, dnnl_ctx::engine(), fwd);
            e.backward = BoundPrimitive(softmax_v2_backward(bwd),
                                        {{DNNL_ARG_DST, md}, {DNNL_ARG_DIFF_DST, md}, {DNNL_ARG_DIFF_SRC, md}},
                                        bwd.scratchpad_desc());
        }
        return e;
    });
}

}  // namespace

void log_softmax_rows(const float* src, float* dst, std::int64_t n, std::int64_t k) {
    entry(n, k, false).forward.set(DNNL_ARG_SRC, src).set(DNNL_ARG_DST, dst).run();
}

Variable log_softmax(const Variable& x) {
    check_input_type("log_softmax", x, false);
    if (x.value().rank() != 2) fail("log_softmax: expected [N, K], got {}", x.shape().str());
    const bool graph = needs_graph({&x});
    LogSoftmaxEntry& prims = entry(x.dim(0), x.dim(1), graph);
    Tensor y = Tensor::empty(x.shape());
    prims.forward.set(DNNL_ARG_SRC, x.value().data()).set(DNNL_ARG_DST, y.data()).run();
    return record<OutputBackwardNode>(OpKind::log_softmax, y, graph, {&x},
                                      [&](OutputBackwardNode& node) { node.keep(y, prims.backward); });
}

}  // namespace lskd::ops
