#include "framework/layers/transformer_stack.hpp"

#include "framework/core/error.hpp"

namespace lskd::nn {
namespace {

// The layers live in a Sequential used as a list, for their names; the stacks run them with masks themselves.
template <typename Layer>
std::vector<std::shared_ptr<Layer>> make_layers(Sequential& list, Rng& rng, std::int64_t count,
                                                const TransformerLayerOptions& options, std::uint64_t seed) {
    if (count <= 0) fail("Transformer: a stack needs at least one layer, got {}", count);
    std::vector<std::shared_ptr<Layer>> layers;
    for (std::int64_t i = 0; i < count; ++i)
        layers.push_back(
            list.append(std::make_shared<Layer>(rng, options, hash_keys(seed, {static_cast<std::uint64_t>(i)}))));
    return layers;
}

}  // namespace

TransformerEncoder::TransformerEncoder(Rng& rng, std::int64_t layers, const TransformerLayerOptions& options,
                                       std::uint64_t seed) {
    auto& list = *register_module("layers", std::make_shared<Sequential>());
    layers_ = make_layers<TransformerEncoderLayer>(list, rng, layers, options, seed);
    norm_ = register_module("norm", std::make_shared<LayerNorm>(options.dim));
}

Variable TransformerEncoder::encode(const Variable& x, const Tensor& mask) {
    Variable h = x;
    for (auto& layer : layers_) h = layer->encode(h, mask);
    return norm_->forward(h);
}

Variable TransformerEncoder::forward(const Variable& x) { return encode(x, Tensor::zeros({x.dim(0), 1, x.dim(1)})); }

TransformerDecoder::TransformerDecoder(Rng& rng, std::int64_t layers, const TransformerLayerOptions& options,
                                       std::uint64_t seed) {
    auto& list = *register_module("layers", std::make_shared<Sequential>());
    layers_ = make_layers<TransformerDecoderLayer>(list, rng, layers, options, seed);
    norm_ = register_module("norm", std::make_shared<LayerNorm>(options.dim));
}

Variable TransformerDecoder::decode(const Variable& x, const Variable& memory, const Tensor& self_mask,
                                    const Tensor& memory_mask) {
    Variable h = x;
    for (auto& layer : layers_) h = layer->decode(h, memory, self_mask, memory_mask);
    return norm_->forward(h);
}

Variable TransformerDecoder::forward(const Variable& x) {
    return decode(x, x, causal_mask(x.dim(0), x.dim(1)), Tensor::zeros({x.dim(0), 1, x.dim(1)}));
}

}  // namespace lskd::nn
