// A warm run creates no primitive and allocates no buffer: `step` runs once to warm up, then twice more while the
// primitive cache's misses and the buffer pool's fresh allocations must stay put (and the cache must be used).
#pragma once
#include <functional>

#include <catch2/catch.hpp>

#include "framework/dnnl/primitive_cache.hpp"
#include "framework/tensor/buffer_pool.hpp"

namespace lskd::testing {

inline void check_warm_run_creates_nothing(const std::function<void()>& step) {
    step();
    const auto misses = dnnl_ctx::cache_stats().misses;
    const auto hits = dnnl_ctx::cache_stats().hits;
    const auto fresh = pool_stats().fresh_allocations;
    step();
    step();
    CHECK(dnnl_ctx::cache_stats().misses == misses);
    CHECK(dnnl_ctx::cache_stats().hits > hits);
    CHECK(pool_stats().fresh_allocations == fresh);
}

}  // namespace lskd::testing
