#include "framework/data/sequence_split.hpp"

#include <algorithm>
#include <span>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/core/random.hpp"
#include "framework/data/corpus_hash.hpp"
#include "framework/data/seeded.hpp"

namespace lskd::data {
namespace {

ParallelCorpus take(const ParallelCorpus& corpus, std::span<std::size_t> positions) {
    std::sort(positions.begin(), positions.end());
    ParallelCorpus part;
    part.origin = corpus.origin;
    part.examples.reserve(positions.size());
    for (std::size_t p : positions) part.examples.push_back(corpus.examples[p]);
    part.hash = parallel_corpus_hash(part.examples);
    return part;
}

}  // namespace

SequenceSplits split_sequences(const ParallelCorpus& corpus, const SequenceSplitSizes& sizes, std::uint64_t seed) {
    const std::size_t n = corpus.examples.size();
    if (sizes.test >= n || sizes.val >= n - sizes.test)
        fail("{}: a test split of {} and a validation split of {} leave no training example of the {}", corpus.origin,
             sizes.test, sizes.val, n);
    std::vector<std::size_t> order = seeded_permutation(n, hash_keys(seed, {stream::sequence_split}));
    const std::size_t left = n - sizes.test - sizes.val;
    const std::size_t train = sizes.max_train == 0 ? left : std::min(left, sizes.max_train);
    const std::span<std::size_t> all(order);
    SequenceSplits splits;
    splits.test = take(corpus, all.first(sizes.test));
    splits.val = take(corpus, all.subspan(sizes.test, sizes.val));
    splits.train = take(corpus, all.subspan(sizes.test + sizes.val, train));
    return splits;
}

}  // namespace lskd::data
