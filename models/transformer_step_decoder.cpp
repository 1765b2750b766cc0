#include "models/transformer_step_decoder.hpp"

#include <algorithm>
#include <cmath>

#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/sequence_ops.hpp"

namespace lskd::models {
namespace {

// [n·L, d] → [n, H, L, dh], contiguous.
Tensor heads_first(const Variable& x, std::int64_t n, std::int64_t length, std::int64_t heads) {
    const std::int64_t dh = x.dim(1) / heads;
    return ops::permute(ops::reshape(x, {n, length, heads, dh}), {0, 2, 1, 3}).value();
}

Variable rows_of(const Variable& x) { return ops::reshape(x, {x.dim(0) * x.dim(1), x.dim(2)}); }

}  // namespace

TransformerStepDecoder::TransformerStepDecoder(Transformer& model, const TokenBatch& sources, std::int64_t max_length)
    : model_(model),
      sources_(sources.rows),
      source_length_(sources.length),
      max_length_(max_length),
      heads_(model.heads()),
      head_dim_(model.dim() / model.heads()) {
    if (model.is_training()) fail("Transformer step decoder: the model is in training mode (call eval() first)");
    if (max_length <= 0) fail("Transformer step decoder: the maximum length must be positive, got {}", max_length);
    NoGradGuard no_grad;
    const Variable memory = rows_of(model.encode(sources));
    const Tensor mask = padding_mask(sources);
    source_mask_.assign(mask.values().begin(), mask.values().end());
    for (std::int64_t l = 0; l < model.decoder().size(); ++l) {
        nn::MultiheadAttention& cross = model.decoder().layer(l).multihead_attn();
        layers_.push_back({heads_first(cross.project(memory, 1), sources_, source_length_, heads_),
                           heads_first(cross.project(memory, 2), sources_, source_length_, heads_),
                           {},
                           {}});
    }
    scores_.resize(static_cast<std::size_t>(std::max(max_length, source_length_)));
}

void TransformerStepDecoder::start(std::int64_t rows_per_source) {
    if (rows_per_source <= 0)
        fail("Transformer step decoder: rows per source must be positive, got {}", rows_per_source);
    rows_ = sources_ * rows_per_source;
    if (rows_ > capacity_) {
        capacity_ = rows_;
        const auto size = static_cast<std::size_t>(capacity_ * heads_ * max_length_ * head_dim_);
        for (LayerCache& c : layers_) {
            c.keys.assign(size, 0.0f);
            c.values.assign(size, 0.0f);
        }
        spare_.assign(size, 0.0f);
        row_source_.reserve(static_cast<std::size_t>(capacity_));
        spare_rows_.reserve(static_cast<std::size_t>(capacity_));
    }
    row_source_.resize(static_cast<std::size_t>(rows_));
    for (std::int64_t r = 0; r < rows_; ++r) row_source_[static_cast<std::size_t>(r)] = r / rows_per_source;
    length_ = 0;
}

void TransformerStepDecoder::attend(const Tensor& q, const float* keys, const float* values, std::int64_t block_keys,
                                    std::int64_t visible_keys, bool by_source, Tensor& context) {
    const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim_));
    const std::int64_t d = heads_ * head_dim_;
    for (std::int64_t r = 0; r < rows_; ++r) {
        const std::int64_t block = by_source ? row_source_[static_cast<std::size_t>(r)] : r;
        const float* mask = by_source ? source_mask_.data() + block * source_length_ : nullptr;
        for (std::int64_t h = 0; h < heads_; ++h) {
            const float* qh = q.data() + r * d + h * head_dim_;
            const std::int64_t offset = (block * heads_ + h) * block_keys * head_dim_;
            float top = -INFINITY;
            for (std::int64_t j = 0; j < visible_keys; ++j) {
                float s = 0.0f;
                for (std::int64_t e = 0; e < head_dim_; ++e) s += qh[e] * keys[offset + j * head_dim_ + e];
                scores_[static_cast<std::size_t>(j)] = s * scale + (mask != nullptr ? mask[j] : 0.0f);
                top = std::max(top, scores_[static_cast<std::size_t>(j)]);
            }
            float total = 0.0f;
            for (std::int64_t j = 0; j < visible_keys; ++j)
                total += scores_[static_cast<std::size_t>(j)] = std::exp(scores_[static_cast<std::size_t>(j)] - top);
            float* out = context.data() + r * d + h * head_dim_;
            std::fill(out, out + head_dim_, 0.0f);
            for (std::int64_t j = 0; j < visible_keys; ++j) {
                const float p = scores_[static_cast<std::size_t>(j)] / total;
                for (std::int64_t e = 0; e < head_dim_; ++e) out[e] += p * values[offset + j * head_dim_ + e];
            }
        }
    }
}

Variable TransformerStepDecoder::self_attention(std::int64_t layer, const Variable& x) {
    nn::MultiheadAttention& attn = model_.decoder().layer(layer).self_attn();
    LayerCache& cache = layers_[static_cast<std::size_t>(layer)];
    const Variable a = attn.project(x, 0), k = attn.project(x, 1), v = attn.project(x, 2);
    for (std::int64_t r = 0; r < rows_; ++r)
        for (std::int64_t h = 0; h < heads_; ++h) {
            const std::int64_t from = r * heads_ * head_dim_ + h * head_dim_;
            const std::int64_t to = ((r * heads_ + h) * max_length_ + length_) * head_dim_;
            std::copy_n(k.value().data() + from, head_dim_, cache.keys.data() + to);
            std::copy_n(v.value().data() + from, head_dim_, cache.values.data() + to);
        }
    Tensor context = Tensor::empty({rows_, heads_ * head_dim_});
    attend(a.value(), cache.keys.data(), cache.values.data(), max_length_, length_ + 1, false, context);
    return attn.output(Variable(context));
}

Variable TransformerStepDecoder::cross_attention(std::int64_t layer, const Variable& x) {
    nn::MultiheadAttention& attn = model_.decoder().layer(layer).multihead_attn();
    const LayerCache& cache = layers_[static_cast<std::size_t>(layer)];
    Tensor context = Tensor::empty({rows_, heads_ * head_dim_});
    attend(attn.project(x, 0).value(), cache.cross_keys.data(), cache.cross_values.data(), source_length_,
           source_length_, true, context);
    return attn.output(Variable(context));
}

void TransformerStepDecoder::step(std::span<const std::int32_t> tokens, Tensor& logits) {
    if (rows_ == 0) fail("Transformer step decoder: step before start");
    if (static_cast<std::int64_t>(tokens.size()) != rows_)
        fail("Transformer step decoder: {} tokens for {} rows", tokens.size(), rows_);
    if (length_ >= max_length_) fail("Transformer step decoder: histories are full at {} tokens", max_length_);
    if (!(logits.shape() == Shape{rows_, model_.target_vocab()}))
        fail("Transformer step decoder: logits {} are not [{}, {}]", logits.shape().str(), rows_,
             model_.target_vocab());
    NoGradGuard no_grad;
    Variable x = rows_of(model_.embed_target({tokens, rows_, 1}, length_));
    for (std::int64_t l = 0; l < model_.decoder().size(); ++l) {
        nn::TransformerDecoderLayer& layer = model_.decoder().layer(l);
        x = ops::add(x, self_attention(l, layer.norm1().forward(x)));
        x = ops::add(x, cross_attention(l, layer.norm2().forward(x)));
        const Variable normed = layer.norm3().forward(x);
        x = ops::add(x, ops::reshape(layer.feed_forward(ops::reshape(normed, {rows_, 1, x.dim(1)})), x.shape()));
    }
    const Variable out = model_.logits(model_.decoder().norm().forward(x));
    std::copy(out.value().values().begin(), out.value().values().end(), logits.values_in_place().begin());
    ++length_;
}

void TransformerStepDecoder::reorder(std::span<const std::int32_t> parents) {
    const auto rows = static_cast<std::int64_t>(parents.size());
    if (rows > rows_) fail("Transformer step decoder: {} parents for {} rows (rows never grow)", rows, rows_);
    for (std::size_t r = 0; r < parents.size(); ++r)
        if (parents[r] < 0 || parents[r] >= rows_)
            fail("Transformer step decoder: parent {} of row {} is not a row in [0, {})", parents[r], r, rows_);
    const std::int64_t block = heads_ * max_length_ * head_dim_;
    for (LayerCache& c : layers_)
        for (std::vector<float>* cache : {&c.keys, &c.values}) {
            for (std::int64_t r = 0; r < rows; ++r)
                for (std::int64_t h = 0; h < heads_; ++h) {
                    const std::int64_t head = h * max_length_ * head_dim_;
                    std::copy_n(cache->data() + parents[static_cast<std::size_t>(r)] * block + head,
                                length_ * head_dim_, spare_.data() + r * block + head);
                }
            cache->swap(spare_);
        }
    spare_rows_.resize(parents.size());
    for (std::size_t r = 0; r < parents.size(); ++r) spare_rows_[r] = row_source_[static_cast<std::size_t>(parents[r])];
    row_source_.swap(spare_rows_);
    rows_ = rows;
}

}  // namespace lskd::models
