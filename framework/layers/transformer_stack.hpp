// nn::TransformerEncoder and nn::TransformerDecoder: PyTorch's stacks of pre-LN layers with the final norm that
// nn.Transformer adds when norm_first is set; parameters read layers.N.… and norm.….
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "framework/core/random.hpp"
#include "framework/layers/layer_norm.hpp"
#include "framework/layers/sequential.hpp"
#include "framework/layers/transformer_decoder_layer.hpp"
#include "framework/layers/transformer_encoder_layer.hpp"

namespace lskd::nn {

class TransformerEncoder : public Module {
public:
    // Layer i draws its dropout masks from hash_keys(seed, {i}).
    TransformerEncoder(Rng& rng, std::int64_t layers, const TransformerLayerOptions& options, std::uint64_t seed);
    // x [n, L, d] under the key mask [n, 1 or L, L] → norm(layers(x)).
    Variable encode(const Variable& x, const Tensor& mask);
    Variable forward(const Variable& x) override;

private:
    std::vector<std::shared_ptr<TransformerEncoderLayer>> layers_;
    std::shared_ptr<LayerNorm> norm_;
};

class TransformerDecoder : public Module {
public:
    TransformerDecoder(Rng& rng, std::int64_t layers, const TransformerLayerOptions& options, std::uint64_t seed);
    // As TransformerDecoderLayer::decode through every layer, then the final norm.
    Variable decode(const Variable& x, const Variable& memory, const Tensor& self_mask, const Tensor& memory_mask);
    Variable forward(const Variable& x) override;

    std::int64_t size() const { return static_cast<std::int64_t>(layers_.size()); }
    TransformerDecoderLayer& layer(std::int64_t i) { return *layers_.at(static_cast<std::size_t>(i)); }
    LayerNorm& norm() { return *norm_; }

private:
    std::vector<std::shared_ptr<TransformerDecoderLayer>> layers_;
    std::shared_ptr<LayerNorm> norm_;
};

}  // namespace lskd::nn
