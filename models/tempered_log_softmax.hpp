// The per-row normalisers of log_softmax(logits / T), for the searches: log_softmax(z / T)_v = z_v / T − out[r].
#pragma once
#include <cstdint>
#include <span>

#include "framework/tensor/tensor.hpp"

namespace lskd::models {

// Checks that the decoder wrote logits [rows, vocab]; then for each row r, out[r] = log Σ_v exp(z_rv / T), over every
// token (the searches never renormalise over the tokens they may choose, as fairseq does not). Fails, naming the row
// and the search step, when a row holds a NaN or +inf logit or no finite one.
void tempered_log_normalisers(const Tensor& logits, std::int64_t rows, std::int64_t vocab, float temperature,
                              std::span<float> out, std::int64_t step);

}  // namespace lskd::models
