#include "framework/layers/embedding.hpp"

#include <cmath>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/layers/init.hpp"
#include "framework/ops/sequence_ops.hpp"

namespace lskd::nn {

Embedding::Embedding(Rng& rng, std::int64_t num_embeddings, std::int64_t dim, float std) {
    if (num_embeddings <= 0 || dim <= 0)
        fail("Embedding: sizes must be positive, got {} embeddings of dimension {}", num_embeddings, dim);
    Tensor w = Tensor::empty({num_embeddings, dim});
    init::normal_(w, rng, 0.0f, std);
    weight_ = register_parameter("weight", w, ParamKind::weight);
}

Variable Embedding::lookup(std::span<const std::int32_t> ids, const Shape& ids_shape) {
    return ops::embedding(weight_, ids, ids_shape);
}

Variable Embedding::forward(const Variable& ids) {
    return lookup(ids_from_values(ids.value(), num_embeddings(), "Embedding"), ids.shape());
}

std::vector<std::int32_t> ids_from_values(const Tensor& values, std::int64_t vocab, const char* who) {
    std::vector<std::int32_t> ids(static_cast<std::size_t>(values.numel()));
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const float v = values.at(static_cast<std::int64_t>(i));
        if (!(v >= 0.0f && v < static_cast<float>(vocab) && std::floor(v) == v))
            fail("{}: entry {} of the ids is {}, not a whole number in [0, {})", who, i, v, vocab);
        ids[i] = static_cast<std::int32_t>(v);
    }
    return ids;
}

}  // namespace lskd::nn
