#include "framework/dnnl/primitive_cache.hpp"

#include <algorithm>
#include <cstring>

#include <oneapi/dnnl/dnnl_debug.h>

#include <omp.h>

#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_profile.hpp"

namespace lskd::dnnl_ctx {
namespace {
CacheStats g_stats;
}

CacheStats cache_stats() { return g_stats; }
void count_cache_lookup(bool hit) { ++(hit ? g_stats.hits : g_stats.misses); }

PrimitiveKey::PrimitiveKey(std::uint32_t op, std::initializer_list<std::int64_t> values) : op_(op) {
    // oneDNN picks implementations by thread count, so a primitive made for another count is another one.
    LSKD_CHECK(values.size() + 1 <= kMaxValues, "primitive key with {} values", values.size());
    values_[0] = omp_get_max_threads();
    std::copy(values.begin(), values.end(), values_.begin() + 1);
    count_ = static_cast<int>(values.size()) + 1;
}

bool operator==(const PrimitiveKey& a, const PrimitiveKey& b) {
    return a.op_ == b.op_ && a.count_ == b.count_ &&
           std::equal(a.values_.begin(), a.values_.begin() + a.count_, b.values_.begin());
}

std::size_t PrimitiveKey::hash() const {
    std::uint64_t h = 1469598103934665603ULL ^ op_;
    for (int i = 0; i < count_; ++i) {
        h ^= static_cast<std::uint64_t>(values_[static_cast<std::size_t>(i)]);
        h *= 1099511628211ULL;
    }
    return static_cast<std::size_t>(h);
}

BoundPrimitive::BoundPrimitive(dnnl::primitive prim, std::initializer_list<std::pair<int, dnnl::memory::desc>> args,
                               const dnnl::memory::desc& scratchpad_desc)
    : prim_(std::move(prim)), scratch_bytes_(scratchpad_desc.get_size()) {
    for (const auto& [arg, desc] : args)
        if (!desc.is_zero()) args_.emplace(arg, dnnl::memory(desc, engine(), DNNL_MEMORY_NONE));
    if (scratch_bytes_ > 0)
        args_.emplace(DNNL_ARG_SCRATCHPAD, dnnl::memory(scratchpad_desc, engine(), DNNL_MEMORY_NONE));
    exec_args_.reserve(args_.size());
    for (const auto& [arg, mem] : args_) exec_args_.push_back({arg, mem.get()});
}

BoundPrimitive& BoundPrimitive::set(int arg, const void* data) {
    auto it = args_.find(arg);
    LSKD_CHECK(it != args_.end(), "primitive has no argument {}", arg);
    it->second.set_data_handle(const_cast<void*>(data));
    return *this;
}

void BoundPrimitive::execute() {
    dnnl::error::wrap_c_api(
        dnnl_primitive_execute(prim_.get(), stream().get(), static_cast<int>(exec_args_.size()), exec_args_.data()),
        "could not execute a primitive");
    stream().wait();
}

void BoundPrimitive::run() {
    if (scratch_bytes_ > 0) args_.at(DNNL_ARG_SCRATCHPAD).set_data_handle(scratchpad(scratch_bytes_));
    PrimitiveProfile* profile = PrimitiveProfile::active();
    if (profile == nullptr) {
        execute();
        return;
    }
    const Stopwatch watch;
    execute();
    profile->add(this, watch.elapsed());
}

bool BoundPrimitive::gemm_like() const {
    using K = dnnl::primitive::kind;
    const K k = kind();
    return k == K::convolution || k == K::deconvolution || k == K::inner_product || k == K::matmul;
}

std::string BoundPrimitive::description() const {
    const_dnnl_primitive_desc_t pd = prim_.get_primitive_desc();
    dnnl_prop_kind_t prop = dnnl_prop_kind_undef;
    const char* impl = nullptr;
    std::string out = dnnl_prim_kind2str(static_cast<dnnl_primitive_kind_t>(prim_.get_kind()));
    if (dnnl_primitive_desc_query(pd, dnnl_query_prop_kind, 0, &prop) == dnnl_success && prop != dnnl_prop_kind_undef)
        out += std::string(" ") + dnnl_prop_kind2str(prop);
    if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) == dnnl_success && impl != nullptr)
        out += std::string(" ") + impl;
    return out;
}

Elapsed BoundPrimitive::time_alone(int reps) const {
    LSKD_CHECK(reps > 0, "time_alone needs reps > 0, got {}", reps);
    std::unordered_map<int, dnnl::memory> args;
    for (const auto& [arg, mem] : args_) {
        dnnl::memory fresh(mem.get_desc(), engine());
        const std::size_t bytes = mem.get_desc().get_size();
        if (mem.get_desc().data_type() == dnnl::memory::data_type::f32) {
            auto* f = static_cast<float*>(fresh.get_data_handle());
            std::fill(f, f + bytes / sizeof(float), 0.01f);
        } else {
            std::memset(fresh.get_data_handle(), 0, bytes);
        }
        args.emplace(arg, std::move(fresh));
    }
    prim_.execute(stream(), args);
    stream().wait();
    const Stopwatch watch;
    for (int i = 0; i < reps; ++i) {
        prim_.execute(stream(), args);
        stream().wait();
    }
    const Elapsed e = watch.elapsed();
    return {e.wall_s / reps, e.cpu_s / reps};
}

}  // namespace lskd::dnnl_ctx
