#include "framework/dnnl/primitive_cache.hpp"

#include <algorithm>

#include <omp.h>

#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"

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

BoundPrimitive::BoundPrimitive(dnnl::primitive prim,
                               std::initializer_list<std::pair<int, dnnl::memory::desc>> args,
                               const dnnl::memory::desc& scratchpad_desc)
    : prim_(std::move(prim)), scratch_bytes_(scratchpad_desc.get_size()) {
    for (const auto& [arg, desc] : args)
        if (!desc.is_zero()) args_.emplace(arg, dnnl::memory(desc, engine(), DNNL_MEMORY_NONE));
    if (scratch_bytes_ > 0)
        args_.emplace(DNNL_ARG_SCRATCHPAD, dnnl::memory(scratchpad_desc, engine(), DNNL_MEMORY_NONE));
}

BoundPrimitive& BoundPrimitive::set(int arg, const void* data) {
    auto it = args_.find(arg);
    LSKD_CHECK(it != args_.end(), "primitive has no argument {}", arg);
    it->second.set_data_handle(const_cast<void*>(data));
    return *this;
}

void BoundPrimitive::run() {
    if (scratch_bytes_ > 0) args_.at(DNNL_ARG_SCRATCHPAD).set_data_handle(scratchpad(scratch_bytes_));
    prim_.execute(stream(), args_);
    stream().wait();
}

}  // namespace lskd::dnnl_ctx
