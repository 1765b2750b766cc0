#include "framework/dnnl/reorder.hpp"

#include "framework/dnnl/context.hpp"

namespace lskd::dnnl_ctx {

BoundPrimitive make_reorder(const dnnl::memory::desc& from, const dnnl::memory::desc& to) {
    dnnl::reorder::primitive_desc pd(engine(), from, engine(), to, scratchpad_attr());
    return BoundPrimitive(dnnl::reorder(pd), {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}}, pd.scratchpad_desc());
}

}  // namespace lskd::dnnl_ctx
