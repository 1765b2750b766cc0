// A ParallelCorpus in token ids, what token_batches.hpp batches: each example's source in the source vocabulary and
// its training target (references[0]) in the target vocabulary, both without BOS or EOS. Plus the texts each side's
// vocabulary is built from (on the training split only).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "framework/data/parallel_text.hpp"
#include "framework/data/vocabulary.hpp"

namespace lskd::data {

struct EncodedExample {
    std::vector<std::int32_t> source;
    std::vector<std::int32_t> target;
};

std::vector<EncodedExample> encode_corpus(const ParallelCorpus& corpus, const Vocabulary& source,
                                          const Vocabulary& target);

// Every example's source, in corpus order.
std::vector<std::string> source_texts(const ParallelCorpus& corpus);
// Every example's training target, references[0], in corpus order.
std::vector<std::string> target_texts(const ParallelCorpus& corpus);

}  // namespace lskd::data
