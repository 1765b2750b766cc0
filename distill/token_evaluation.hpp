// A sequence model scored token by token under teacher forcing (docs/method.md §15; the paper's token-level
// calibration): every target position of a split, padding left out and EOS kept, run in evaluation mode, giving the
// next-token logits [tokens, V] with each gold token as its label, and the scores the run records per epoch.
#pragma once
#include <cstdint>
#include <vector>

#include "distill/evaluation.hpp"
#include "framework/data/encoded_corpus.hpp"
#include "framework/data/token_batches.hpp"
#include "models/transformer.hpp"

namespace lskd::distill {

// A token's index in SplitOutputs::indices: example · kTokenStride + position, so a record names both.
inline constexpr std::int64_t kTokenStride = 1 << 16;

// Sentences per evaluation batch.
inline constexpr std::size_t kSequenceEvalBatch = 128;

// A split's sentences in batches of kSequenceEvalBatch, in length-grouped order without shuffling, the epoch begun.
data::TokenBatcher evaluation_batches(const std::vector<data::EncodedExample>& examples);

// The split's target tokens in example order, position order within each: logits [T, V], labels the gold ids,
// indices by kTokenStride and, when asked, the decoder's penultimate activations [T, d]. Restores the model's
// training flag.
SplitOutputs run_teacher_forced(models::Transformer& model, const std::vector<data::EncodedExample>& examples,
                                bool with_penultimate);

// The rows of `outputs` whose gold token is among the first `per_token` of its kind, in row order: a record of the
// decoder's penultimate activations per target token, as a classifier's records keep examples per class.
SplitOutputs token_record(const SplitOutputs& outputs, std::int64_t per_token);

struct TokenScores {
    double nll = 0;       // mean −log p(gold), nats
    double accuracy = 0;  // share of tokens whose argmax is the gold one
    double ece = 0;       // 15 bins, every token
    double eos_ece = 0;   // the EOS tokens alone (NaN without any)
};
TokenScores score_tokens(const SplitOutputs& outputs);

}  // namespace lskd::distill
