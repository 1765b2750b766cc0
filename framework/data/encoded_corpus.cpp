#include "framework/data/encoded_corpus.hpp"

#include "framework/core/error.hpp"

namespace lskd::data {
namespace {

const std::string& training_target(const ParallelCorpus& corpus, std::size_t i) {
    const ParallelExample& e = corpus.examples[i];
    if (e.references.empty()) fail("{}: example {} ('{}') has no reference", corpus.origin, i + 1, e.source);
    return e.references.front();
}

}  // namespace

std::vector<EncodedExample> encode_corpus(const ParallelCorpus& corpus, const Vocabulary& source,
                                          const Vocabulary& target) {
    std::vector<EncodedExample> encoded(corpus.examples.size());
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        encoded[i].source = source.encode(corpus.examples[i].source);
        encoded[i].target = target.encode(training_target(corpus, i));
    }
    return encoded;
}

std::vector<std::string> source_texts(const ParallelCorpus& corpus) {
    std::vector<std::string> texts;
    texts.reserve(corpus.examples.size());
    for (const ParallelExample& e : corpus.examples) texts.push_back(e.source);
    return texts;
}

std::vector<std::string> target_texts(const ParallelCorpus& corpus) {
    std::vector<std::string> texts;
    texts.reserve(corpus.examples.size());
    for (std::size_t i = 0; i < corpus.examples.size(); ++i) texts.push_back(training_target(corpus, i));
    return texts;
}

}  // namespace lskd::data
