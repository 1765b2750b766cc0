// A reorder between two memory descriptors as a BoundPrimitive (weights into a primitive's preferred format,
// and back), with a user scratchpad like every other lskd primitive.
#pragma once
#include <oneapi/dnnl/dnnl.hpp>

#include "framework/dnnl/primitive_cache.hpp"

namespace lskd::dnnl_ctx {

BoundPrimitive make_reorder(const dnnl::memory::desc& from, const dnnl::memory::desc& to);

}  // namespace lskd::dnnl_ctx
