// models::Transformer: the encoder–decoder of nn.Transformer with norm_first=True (pre-LN, final encoder.norm and
// decoder.norm), source and target embeddings (src_embed, tgt_embed) scaled by √d plus sinusoidal positions without
// parameters, and an output projection tied to tgt_embed (logits = h · tgt_embedᵀ, no bias). Token ids use the
// special ids of framework/data/vocabulary.hpp; PAD keys are hidden from attention.
#pragma once
#include <cstdint>
#include <memory>
#include <span>

#include "framework/core/random.hpp"
#include "framework/layers/embedding.hpp"
#include "framework/layers/transformer_stack.hpp"

namespace lskd::models {

struct TransformerSizes {
    std::int64_t encoder_layers = 2;
    std::int64_t decoder_layers = 2;
    std::int64_t dim = 128;
    std::int64_t heads = 4;
    std::int64_t ffn = 512;
};

// Token ids [rows, length], row-major.
struct TokenBatch {
    std::span<const std::int32_t> ids;
    std::int64_t rows = 0;
    std::int64_t length = 0;
};

struct SequenceOutput {
    Variable penultimate;  // [n·Lt, d]: decoder.norm's output
    Variable logits;       // [n·Lt, V_target]
};

class Transformer : public nn::Module {
public:
    // Dropout masks are drawn from `seed`; weights from `rng`.
    Transformer(Rng& rng, const TransformerSizes& sizes, std::int64_t source_vocab, std::int64_t target_vocab,
                float dropout, nn::Activation activation, std::uint64_t seed);

    // Teacher-forced training pass: sources [n, Ls] and decoder inputs [n, Lt] (BOS, then the target shifted right).
    SequenceOutput forward_tokens(const TokenBatch& source, const TokenBatch& decoder_input);
    // The encoder's output [n, Ls, d] (after encoder.norm).
    Variable encode(const TokenBatch& source);
    // Module's one-input forward: encode() of source ids held as whole float values [n, Ls].
    Variable forward(const Variable& source_ids) override;

    // The pieces a step decoder runs. Target embeddings of `tokens` [n, L] at positions first_position, …
    Variable embed_target(const TokenBatch& tokens, std::int64_t first_position);
    // Logits [N, V] of decoder states h [N, d] (after decoder.norm).
    Variable logits(const Variable& h);
    nn::TransformerDecoder& decoder() { return *decoder_; }
    std::int64_t dim() const { return sizes_.dim; }
    std::int64_t heads() const { return sizes_.heads; }
    std::int64_t source_vocab() const { return src_embed_->num_embeddings(); }
    std::int64_t target_vocab() const { return tgt_embed_->num_embeddings(); }
    // tgt_embed's weight [V, d], which is also the output projection: the token templates.
    Variable target_embedding() const { return tgt_embed_->weight(); }

private:
    Variable embed(nn::Embedding& table, const TokenBatch& tokens, std::int64_t first_position);

    TransformerSizes sizes_;
    std::shared_ptr<nn::Embedding> src_embed_;
    std::shared_ptr<nn::Embedding> tgt_embed_;
    std::shared_ptr<nn::TransformerEncoder> encoder_;
    std::shared_ptr<nn::TransformerDecoder> decoder_;
    std::shared_ptr<nn::Dropout> dropout_;  // on the embedded inputs of both stacks
    Tensor positions_;                      // [P, d] sinusoids, grown to the longest position asked for
};

// The additive key mask [n, 1, L] of a batch: −1e9 at PAD tokens, 0 elsewhere.
Tensor padding_mask(const TokenBatch& tokens);
// Sinusoidal position encodings [length, d] (tensor2tensor's and fairseq's): for i < d/2, sin(p·ω_i) in column i
// and cos(p·ω_i) in column d/2 + i, with ω_i = 10000^(−i/(d/2 − 1)); positions p count from 0.
Tensor sinusoidal_positions(std::int64_t length, std::int64_t dim);
// The trainable parameters of a Transformer of these sizes (embeddings included, the tied output counted once).
std::uint64_t transformer_parameters(const TransformerSizes& sizes, std::int64_t source_vocab,
                                     std::int64_t target_vocab);

}  // namespace lskd::models
