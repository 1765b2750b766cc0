#include "framework/ops/prepared_weights.hpp"

#include <unordered_map>
#include <vector>

#include "framework/dnnl/reorder.hpp"
#include "framework/ops/weight_reorders.hpp"

namespace lskd::ops {
namespace {

using dnnl::memory;

std::uint64_t g_weight_reorders = 0;
std::uint64_t g_diff_weight_reorders = 0;

// Weights prepared in a primitive's format, per weight Variable. A record is refreshed (in place, unless a
// graph node still shares the buffer) when the weight tensor's version or storage changed since it was
// made.
struct Prepared {
    memory::desc desc;
    std::uint64_t version = 0;
    const float* source = nullptr;
    Tensor buffer;
};

struct PreparedSlot {
    std::weak_ptr<VarImpl> owner;
    std::vector<Prepared> formats;
};

std::unordered_map<std::uint64_t, PreparedSlot>& prepared_weights() {
    static std::unordered_map<std::uint64_t, PreparedSlot> slots;
    return slots;
}

}  // namespace

std::uint64_t weight_reorder_count() { return g_weight_reorders; }
std::uint64_t diff_weight_reorder_count() { return g_diff_weight_reorders; }
void release_prepared_weights() { prepared_weights().clear(); }

std::int64_t floats_for(const memory::desc& md) {
    return static_cast<std::int64_t>((md.get_size() + sizeof(float) - 1) / sizeof(float));
}

WeightFormat make_weight_format(const memory::desc& desc, const memory::desc& master) {
    WeightFormat f;
    f.desc = desc;
    f.plain = desc == master;
    if (!f.plain) f.reorder = dnnl_ctx::make_reorder(master, desc);
    return f;
}

const void* weights_in_format(const std::shared_ptr<VarImpl>& w, WeightFormat& format) {
    if (format.plain) return w->value.data();
    auto& slots = prepared_weights();
    auto it = slots.find(w->id);
    if (it == slots.end()) {
        // A new weight: first drop the records of weights that no longer exist.
        std::erase_if(slots, [](const auto& kv) { return kv.second.owner.expired(); });
        it = slots.emplace(w->id, PreparedSlot{w, {}}).first;
    }
    Prepared* p = nullptr;
    for (auto& f : it->second.formats)
        if (f.desc == format.desc) p = &f;
    if (p == nullptr) {
        p = &it->second.formats.emplace_back();
        p->desc = format.desc;
        p->buffer = Tensor::empty({floats_for(format.desc)});
    } else if (p->version == w->value.version() && p->source == w->value.data()) {
        return p->buffer.data();
    }
    if (!p->buffer.unique()) p->buffer = Tensor::empty(p->buffer.shape());
    format.reorder.set(DNNL_ARG_FROM, w->value.data()).set(DNNL_ARG_TO, p->buffer.data()).run();
    p->version = w->value.version();
    p->source = w->value.data();
    ++g_weight_reorders;
    return p->buffer.data();
}

DiffWeightFormat make_diff_weight_format(const memory::desc& desc, const memory::desc& master) {
    DiffWeightFormat f;
    f.desc = desc;
    f.plain = desc == master;
    if (!f.plain) f.reorder = dnnl_ctx::make_reorder(desc, master);
    return f;
}

Tensor diff_weight_buffer(const DiffWeightFormat& format, const Tensor& grad) {
    return format.plain ? grad : Tensor::empty({floats_for(format.desc)});
}

void to_master_layout(DiffWeightFormat& format, const Tensor& buffer, Tensor& grad) {
    if (format.plain) return;
    format.reorder.set(DNNL_ARG_FROM, buffer.data()).set(DNNL_ARG_TO, grad.data()).run();
    ++g_diff_weight_reorders;
}

WeightGrads run_backward_weights(dnnl_ctx::BoundPrimitive& primitive, DiffWeightFormat& format, const Shape& wshape,
                                 bool has_bias, const void* src, const void* diff_dst) {
    WeightGrads g{Tensor::empty(wshape), has_bias ? Tensor::empty({wshape[0]}) : Tensor()};
    const Tensor buffer = diff_weight_buffer(format, g.weight);
    primitive.set(DNNL_ARG_SRC, src).set(DNNL_ARG_DIFF_DST, diff_dst).set(DNNL_ARG_DIFF_WEIGHTS, buffer.data());
    if (has_bias) primitive.set(DNNL_ARG_DIFF_BIAS, g.bias.data());
    primitive.run();
    to_master_layout(format, buffer, g.weight);
    return g;
}

}  // namespace lskd::ops
