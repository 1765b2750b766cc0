#include "models/tempered_log_softmax.hpp"

#include <cmath>

#include <Eigen/Core>

#include "framework/core/error.hpp"
#include "framework/runtime/parallel_for.hpp"

namespace lskd::models {

namespace {

// Eigen's vectorised exp and sum: the summation order is fixed by the code, never by the thread count.
float row_normaliser(const float* logits, std::int64_t vocab, float temperature) {
    const Eigen::Map<const Eigen::ArrayXf> z(logits, vocab);
    const float shift = z.maxCoeff() / temperature;
    // A NaN logit, a +inf one or a row without a finite one makes the sum NaN: the caller's check catches it.
    return shift + std::log((z / temperature - shift).exp().sum());
}

}  // namespace

void tempered_log_normalisers(const Tensor& logits, std::int64_t rows, std::int64_t vocab, float temperature,
                              std::span<float> out, std::int64_t step) {
    if (!logits.defined() || logits.shape() != Shape{rows, vocab})
        fail("search step {}: the decoder wrote logits {} where [{}, {}] (rows, vocabulary) were due", step,
             logits.defined() ? logits.shape().str() : "(none)", rows, vocab);
    LSKD_CHECK(static_cast<std::size_t>(rows) <= out.size(), "{} rows, room for {} normalisers", rows, out.size());
    const float* z = logits.data();
    // Rows are independent, each written by one thread: the result does not depend on the thread count.
    runtime::parallel_for(rows, [&](std::int64_t r) { out[r] = row_normaliser(z + r * vocab, vocab, temperature); });
    for (std::int64_t r = 0; r < rows; ++r)
        if (!std::isfinite(out[r]))
            fail("search step {}: the decoder's logits of row {} hold a NaN or +inf, or no finite value", step, r);
}

}  // namespace lskd::models
