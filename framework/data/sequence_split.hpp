// A seeded split of a ParallelCorpus into test, validation and training examples. An example is a whole word of the
// CMU dictionary with all its pronunciations, so no word is in two splits. The test split is drawn first, then the
// validation split, then the training examples, all from one permutation of (seed): the test set depends only on
// the seed and its size, and a smaller max_train takes a subset of a larger one. Each split keeps corpus order.
#pragma once
#include <cstddef>
#include <cstdint>

#include "framework/data/parallel_text.hpp"

namespace lskd::data {

struct SequenceSplitSizes {
    std::size_t test = 0;
    std::size_t val = 0;
    std::size_t max_train = 0;  // 0 = every example left; otherwise at most this many (quick studies)
};

struct SequenceSplits {
    ParallelCorpus train;  // origin = the corpus's; hash = parallel_corpus_hash of the split's own examples
    ParallelCorpus val;
    ParallelCorpus test;
};

// An Error when test + val leave no training example.
SequenceSplits split_sequences(const ParallelCorpus& corpus, const SequenceSplitSizes& sizes, std::uint64_t seed);

}  // namespace lskd::data
