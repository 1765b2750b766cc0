// The one place lskd talks to oneDNN's runtime: the CPU engine and stream, plain-layout memory
// descriptors, and a grow-only user scratchpad. Primitives are created and run on the main thread only
// (phase separation: TBB never runs while a primitive does).
#pragma once
#include <cstddef>
#include <cstdint>

#include <oneapi/dnnl/dnnl.hpp>

#if DNNL_VERSION_MAJOR != 2
#error "lskd targets the oneDNN v2 API (Debian 12 ships 2.6.3)"
#endif

namespace lskd::dnnl_ctx {

using dims = dnnl::memory::dims;
using tag = dnnl::memory::format_tag;

dnnl::engine& engine();
dnnl::stream& stream();

using data_type = dnnl::memory::data_type;

// Plain descriptors in lskd's layouts. Logical dims are oneDNN's (N, C, H, W); memory order is the tag's.
// Tensors hold f32; bf16 descriptors describe the mixed-precision path's private copies and the activations it keeps
// bf16 between primitives (framework/ops/precision.hpp, post_ops.hpp).
// The data type of a tensor's values: bf16 where the mixed-precision path keeps them so, f32 otherwise.
inline data_type value_type(bool bf16) { return bf16 ? data_type::bf16 : data_type::f32; }
dnnl::memory::desc md_nc(std::int64_t n, std::int64_t c, data_type t = data_type::f32);
dnnl::memory::desc md_nhwc(std::int64_t n, std::int64_t h, std::int64_t w, std::int64_t c,
                           data_type t = data_type::f32);
dnnl::memory::desc md_x(std::int64_t n, data_type t = data_type::f32);
dnnl::memory::desc md_oi(std::int64_t o, std::int64_t i, data_type t = data_type::f32);
dnnl::memory::desc md_oihw(std::int64_t o, std::int64_t i, std::int64_t kh, std::int64_t kw);
dnnl::memory::desc md_any(const dims& d, data_type t = data_type::f32);

// Every primitive is created with a user scratchpad, so that lskd owns the scratch memory.
dnnl::primitive_attr scratchpad_attr();
// scratchpad_attr() with post-ops run inside the primitive on its output: with sum, the destination's previous
// contents are added first (a residual connection); with relu, max(0, ·) is applied last (an eltwise post-op).
dnnl::primitive_attr scratchpad_attr(bool relu, bool sum = false);
// One grow-only buffer shared by all primitives (they run one at a time on the main thread).
void* scratchpad(std::size_t bytes);

}  // namespace lskd::dnnl_ctx
