// A sequence model's decodes of a split and their scores (docs/method.md §15): greedy or beam search
// (models/beam_search.hpp) over the model's cached step decoder, in batches of sources, and the scores of the best
// hypotheses against every reference: WER and PER for G2P (cmudict), BLEU and chrF2 as sacreBLEU computes them for
// translation.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "framework/data/encoded_corpus.hpp"
#include "framework/data/parallel_text.hpp"
#include "framework/data/vocabulary.hpp"
#include "models/search_options.hpp"
#include "models/transformer.hpp"

namespace lskd::distill {

// Each example's best hypothesis (target ids without BOS and EOS), in example order; beam 1 searches greedily.
std::vector<std::vector<std::int32_t>> decode_examples(models::Transformer& model,
                                                       const std::vector<data::EncodedExample>& examples,
                                                       const models::SearchOptions& options);

// Whether a data set's decodes are scored as G2P (WER, PER) rather than as translation (BLEU, chrF2).
bool scored_as_g2p(const std::string& dataset);

// The decodes' scores by name: "wer" and "per" (shares in [0, 1]) for G2P, "bleu" and "chrf" (in [0, 100]) else.
std::map<std::string, double> score_decodes(const std::string& dataset,
                                            const std::vector<std::vector<std::int32_t>>& hypotheses,
                                            const data::ParallelCorpus& split, const data::Vocabulary& target);
// The same scores of hypotheses given as text, one per example of `split` (the copy baseline's sources).
std::map<std::string, double> score_texts(const std::string& dataset, const std::vector<std::string>& texts,
                                          const data::ParallelCorpus& split);

}  // namespace lskd::distill
