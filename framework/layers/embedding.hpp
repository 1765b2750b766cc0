// nn::Embedding: a table of token vectors, weight [V, D], initialised N(0, 1) as PyTorch's nn.Embedding (models
// that scale their embeddings pass their own std).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "framework/core/random.hpp"
#include "framework/layers/module.hpp"

namespace lskd::nn {

class Embedding : public Module {
public:
    Embedding(Rng& rng, std::int64_t num_embeddings, std::int64_t dim, float std = 1.0f);

    // ids_shape × [D] for int32 ids in [0, V).
    Variable lookup(std::span<const std::int32_t> ids, const Shape& ids_shape);
    // The same for ids held as float values of a tensor (integers below 2^24 are exact): an id that is not a whole
    // number in [0, V) is an Error.
    Variable forward(const Variable& ids) override;

    Variable weight() const { return weight_; }
    std::int64_t num_embeddings() const { return weight_.dim(0); }
    std::int64_t dim() const { return weight_.dim(1); }

private:
    Variable weight_;
};

// The ids held as whole float values of `values` (integers below 2^24 are exact); one that is not a whole number in
// [0, vocab) is an Error naming `who` and its entry.
std::vector<std::int32_t> ids_from_values(const Tensor& values, std::int64_t vocab, const char* who);

}  // namespace lskd::nn
