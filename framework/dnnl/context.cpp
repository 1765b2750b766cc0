#include "framework/dnnl/context.hpp"

#include <cstdlib>
#include <memory>
#include <new>

namespace lskd::dnnl_ctx {

dnnl::engine& engine() {
    static dnnl::engine e(dnnl::engine::kind::cpu, 0);
    return e;
}

dnnl::stream& stream() {
    static dnnl::stream s(engine());
    return s;
}

namespace {
dnnl::memory::desc f32(const dims& d, tag t) { return {d, dnnl::memory::data_type::f32, t}; }
}  // namespace

dnnl::memory::desc md_nc(std::int64_t n, std::int64_t c, data_type t) { return {{n, c}, t, tag::nc}; }
dnnl::memory::desc md_nhwc(std::int64_t n, std::int64_t h, std::int64_t w, std::int64_t c, data_type t) {
    return {{n, c, h, w}, t, tag::nhwc};
}
dnnl::memory::desc md_x(std::int64_t n, data_type t) { return {{n}, t, tag::x}; }
dnnl::memory::desc md_oi(std::int64_t o, std::int64_t i, data_type t) { return {{o, i}, t, tag::oi}; }
dnnl::memory::desc md_oihw(std::int64_t o, std::int64_t i, std::int64_t kh, std::int64_t kw) {
    return f32({o, i, kh, kw}, tag::oihw);
}
dnnl::memory::desc md_any(const dims& d, data_type t) { return {d, t, tag::any}; }

dnnl::primitive_attr scratchpad_attr() {
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    return attr;
}

dnnl::primitive_attr scratchpad_attr(bool relu, bool sum) {
    dnnl::primitive_attr attr = scratchpad_attr();
    if (!relu && !sum) return attr;
    dnnl::post_ops ops;
    if (sum) ops.append_sum(1.0f);
    if (relu) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
    attr.set_post_ops(ops);
    return attr;
}

void* scratchpad(std::size_t bytes) {
    struct Free {
        void operator()(void* p) const { std::free(p); }
    };
    static std::unique_ptr<void, Free> buffer;
    static std::size_t capacity = 0;
    if (bytes > capacity) {
        const std::size_t grown = (bytes + 4095) / 4096 * 4096;
        void* p = std::aligned_alloc(64, grown);
        if (p == nullptr) throw std::bad_alloc();
        buffer.reset(p);
        capacity = grown;
    }
    return buffer.get();
}

}  // namespace lskd::dnnl_ctx
