// Primitives are created once per (op, shapes, attributes, thread count) and reused: an op keeps a
// PrimitiveCache of its entries (forward and backward primitives created together, so backward always has
// its exact forward hint). Hit and miss counts are global, so tests can assert that a warmed-up training
// step creates nothing.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "framework/dnnl/primitive_profile.hpp"

namespace lskd::dnnl_ctx {

struct CacheStats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
};
CacheStats cache_stats();
void count_cache_lookup(bool hit);

// A plain-old-data key: the op's id and every number that decides the primitives.
class PrimitiveKey {
public:
    static constexpr int kMaxValues = 40;
    PrimitiveKey(std::uint32_t op, std::initializer_list<std::int64_t> values);
    friend bool operator==(const PrimitiveKey& a, const PrimitiveKey& b);
    std::size_t hash() const;

private:
    std::uint32_t op_;
    int count_ = 0;
    std::array<std::int64_t, kMaxValues> values_{};
};

struct PrimitiveKeyHash {
    std::size_t operator()(const PrimitiveKey& k) const { return k.hash(); }
};

template <typename Entry>
class PrimitiveCache {
public:
    template <typename Make>
    Entry& get(const PrimitiveKey& key, Make&& make) {
        auto it = entries_.find(key);
        count_cache_lookup(it != entries_.end());
        if (it == entries_.end()) it = entries_.emplace(key, std::make_unique<Entry>(make())).first;
        return *it->second;
    }

private:
    std::unordered_map<PrimitiveKey, std::unique_ptr<Entry>, PrimitiveKeyHash> entries_;
};

// A primitive with its memory objects and its argument list made once; each run only swaps data pointers and
// hands the list to oneDNN's C API, so lskd allocates nothing to execute a cached primitive (oneDNN 2.6 itself
// allocates a few blocks inside every execution, for its own copy of the arguments).
class BoundPrimitive {
public:
    BoundPrimitive() = default;
    BoundPrimitive(dnnl::primitive prim, std::initializer_list<std::pair<int, dnnl::memory::desc>> args,
                   const dnnl::memory::desc& scratchpad_desc);

    BoundPrimitive& set(int arg, const void* data);
    void run();
    bool valid() const { return static_cast<bool>(prim_); }

    // For benchmarks: the primitive's kind, "kind prop_kind implementation" (as ONEDNN_VERBOSE names them),
    // and its mean wall and process CPU time per run over `reps` runs alone, on fresh memory of its own descriptors
    // (filled with a small constant, so no denormals), after one untimed run. Allocates; never call in a step.
    dnnl::primitive::kind kind() const { return prim_.get_kind(); }
    // Convolution, inner product or matmul: the compute-bound kinds that make up a step's roofline.
    bool gemm_like() const;
    std::string description() const;
    Elapsed time_alone(int reps) const;

private:
    void execute();

    dnnl::primitive prim_;
    std::unordered_map<int, dnnl::memory> args_;
    std::vector<dnnl_exec_arg_t> exec_args_;  // args_ as the C API takes them; the memory objects stay in args_
    std::size_t scratch_bytes_ = 0;
};

}  // namespace lskd::dnnl_ctx
