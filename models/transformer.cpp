#include "models/transformer.hpp"

#include <cmath>

#include "framework/core/error.hpp"
#include "framework/data/vocabulary.hpp"
#include "framework/layers/init.hpp"
#include "framework/ops/ops.hpp"

namespace lskd::models {
namespace {

void check_batch(const TokenBatch& b, std::int64_t vocab, const char* role) {
    if (b.rows <= 0 || b.length <= 0 || static_cast<std::int64_t>(b.ids.size()) != b.rows * b.length)
        fail("Transformer: the {} batch holds {} ids, not {} rows of {} (both positive)", role, b.ids.size(), b.rows,
             b.length);
    for (std::size_t i = 0; i < b.ids.size(); ++i)
        if (b.ids[i] < 0 || b.ids[i] >= vocab)
            fail("Transformer: {} id {} at row {}, position {} is outside the vocabulary of {}", role, b.ids[i],
                 static_cast<std::int64_t>(i) / b.length, static_cast<std::int64_t>(i) % b.length, vocab);
}

// nn.Transformer's _reset_parameters: xavier-uniform on every matrix of the stacks (biases and norms keep theirs).
void xavier_matrices(nn::Module& stack, Rng& rng) {
    for (const nn::NamedParameter& p : stack.named_parameters())
        if (p.var.value().rank() > 1) {
            Tensor w = p.var.value();
            nn::init::xavier_uniform_(w, rng);
        }
}

// fairseq's embedding initialisation for √d-scaled embeddings: N(0, 1/d), so scaled rows have unit variance, and
// the PAD row zero.
std::shared_ptr<nn::Embedding> scaled_embedding(Rng& rng, std::int64_t vocab, std::int64_t dim) {
    auto table = std::make_shared<nn::Embedding>(rng, vocab, dim, 1.0f / std::sqrt(static_cast<float>(dim)));
    std::span<float> w = table->weight().value().values_in_place();
    std::fill(w.begin() + data::kPadId * dim, w.begin() + (data::kPadId + 1) * dim, 0.0f);
    return table;
}

}  // namespace

Transformer::Transformer(Rng& rng, const TransformerSizes& sizes, std::int64_t source_vocab, std::int64_t target_vocab,
                         float dropout, nn::Activation activation, std::uint64_t seed)
    : sizes_(sizes) {
    if (sizes.dim < 4 || sizes.dim % 2 != 0)
        fail("Transformer: the model dimension must be even and at least 4 (sinusoids), got {}", sizes.dim);
    if (source_vocab <= data::kUnkId + 1 || target_vocab <= data::kUnkId + 1)
        fail("Transformer: vocabularies must hold more than the 4 special ids, got {} and {}", source_vocab,
             target_vocab);
    const nn::TransformerLayerOptions layer{sizes.dim, sizes.heads, sizes.ffn, dropout, activation};
    src_embed_ = register_module("src_embed", scaled_embedding(rng, source_vocab, sizes.dim));
    tgt_embed_ = register_module("tgt_embed", scaled_embedding(rng, target_vocab, sizes.dim));
    encoder_ = register_module(
        "encoder", std::make_shared<nn::TransformerEncoder>(rng, sizes.encoder_layers, layer, hash_keys(seed, {0})));
    decoder_ = register_module(
        "decoder", std::make_shared<nn::TransformerDecoder>(rng, sizes.decoder_layers, layer, hash_keys(seed, {1})));
    dropout_ = register_module("dropout", std::make_shared<nn::Dropout>(dropout, hash_keys(seed, {2})));
    xavier_matrices(*encoder_, rng);
    xavier_matrices(*decoder_, rng);
}

Variable Transformer::embed(nn::Embedding& table, const TokenBatch& tokens, std::int64_t first_position) {
    const std::int64_t d = sizes_.dim, last = first_position + tokens.length;
    if (positions_.defined() == false || positions_.dim(0) < last) positions_ = sinusoidal_positions(last, d);
    Tensor pos = Tensor::empty({tokens.rows, tokens.length, d});
    const std::int64_t row = tokens.length * d;
    for (std::int64_t r = 0; r < tokens.rows; ++r)
        std::copy(positions_.data() + first_position * d, positions_.data() + last * d, pos.data() + r * row);
    const Variable scaled =
        ops::scale(table.lookup(tokens.ids, {tokens.rows, tokens.length}), std::sqrt(static_cast<float>(d)));
    return dropout_->forward(ops::add(scaled, Variable(pos)));
}

Variable Transformer::encode(const TokenBatch& source) {
    check_batch(source, source_vocab(), "source");
    return encoder_->encode(embed(*src_embed_, source, 0), padding_mask(source));
}

Variable Transformer::forward(const Variable& source_ids) {
    if (source_ids.shape().rank() != 2) fail("Transformer: source ids {} are not [n, L]", source_ids.shape().str());
    const std::vector<std::int32_t> ids = nn::ids_from_values(source_ids.value(), source_vocab(), "Transformer");
    return encode({ids, source_ids.dim(0), source_ids.dim(1)});
}

Variable Transformer::embed_target(const TokenBatch& tokens, std::int64_t first_position) {
    check_batch(tokens, target_vocab(), "target");
    return embed(*tgt_embed_, tokens, first_position);
}

Variable Transformer::logits(const Variable& h) { return ops::linear(h, tgt_embed_->weight(), Variable()); }

SequenceOutput Transformer::forward_tokens(const TokenBatch& source, const TokenBatch& decoder_input) {
    if (source.rows != decoder_input.rows)
        fail("Transformer: {} sources but {} decoder input rows", source.rows, decoder_input.rows);
    const Variable memory = encode(source);
    const Variable x = embed_target(decoder_input, 0);
    const Variable h =
        decoder_->decode(x, memory, nn::causal_mask(decoder_input.rows, decoder_input.length), padding_mask(source));
    const Variable penultimate = ops::reshape(h, {decoder_input.rows * decoder_input.length, sizes_.dim});
    return {penultimate, logits(penultimate)};
}

Tensor padding_mask(const TokenBatch& tokens) {
    Tensor mask = Tensor::empty({tokens.rows, 1, tokens.length});
    for (std::size_t i = 0; i < tokens.ids.size(); ++i)
        mask.at(static_cast<std::int64_t>(i)) = tokens.ids[i] == data::kPadId ? -1e9f : 0.0f;
    return mask;
}

Tensor sinusoidal_positions(std::int64_t length, std::int64_t dim) {
    const std::int64_t half = dim / 2;
    const double step = std::log(10000.0) / static_cast<double>(half - 1);
    Tensor table = Tensor::empty({length, dim});
    for (std::int64_t p = 0; p < length; ++p)
        for (std::int64_t i = 0; i < half; ++i) {
            const double angle = static_cast<double>(p) * std::exp(-step * static_cast<double>(i));
            table.at(p * dim + i) = static_cast<float>(std::sin(angle));
            table.at(p * dim + half + i) = static_cast<float>(std::cos(angle));
        }
    return table;
}

std::uint64_t transformer_parameters(const TransformerSizes& s, std::int64_t source_vocab, std::int64_t target_vocab) {
    const auto d = static_cast<std::uint64_t>(s.dim), f = static_cast<std::uint64_t>(s.ffn);
    const std::uint64_t attention = 4 * d * d + 4 * d, feed_forward = 2 * d * f + f + d, norm = 2 * d;
    const std::uint64_t encoder = static_cast<std::uint64_t>(s.encoder_layers) * (attention + feed_forward + 2 * norm);
    const std::uint64_t decoder =
        static_cast<std::uint64_t>(s.decoder_layers) * (2 * attention + feed_forward + 3 * norm);
    const auto embeddings = static_cast<std::uint64_t>(source_vocab + target_vocab) * d;
    return embeddings + encoder + decoder + 2 * norm;
}

}  // namespace lskd::models
