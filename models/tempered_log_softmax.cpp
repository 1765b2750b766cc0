#include "models/tempered_log_softmax.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "framework/core/error.hpp"
#include "framework/runtime/parallel_for.hpp"

namespace lskd::models {

namespace {

float row_normaliser(const float* z, std::int64_t vocab, float temperature) {
    float top = -std::numeric_limits<float>::infinity();
    for (std::int64_t v = 0; v < vocab; ++v) top = std::max(top, z[v]);
    const float shift = top / temperature;
    // A NaN logit, a +inf one or a row without a finite one makes the sum NaN: the caller's check catches it.
    double sum = 0.0;
    for (std::int64_t v = 0; v < vocab; ++v) sum += std::exp(z[v] / temperature - shift);
    return shift + static_cast<float>(std::log(sum));
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
