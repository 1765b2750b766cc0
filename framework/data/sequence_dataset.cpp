#include "framework/data/sequence_dataset.hpp"

#include <array>

#include "framework/core/error.hpp"
#include "framework/data/char_vocabulary.hpp"
#include "framework/data/cmudict_reader.hpp"
#include "framework/data/gettext_corpus.hpp"
#include "framework/data/gettext_spec.hpp"
#include "framework/data/parallel_tsv_reader.hpp"
#include "framework/data/sentencepiece_vocabulary.hpp"
#include "framework/data/sequence_split.hpp"
#include "framework/data/symbol_vocabulary.hpp"

namespace lskd::data {
namespace {

namespace fs = std::filesystem;

struct Defaults {
    const char* name;
    const char* source_vocab;
    const char* target_vocab;
};
constexpr std::array<Defaults, 3> kSets{
    {{"cmudict", "char", "symbol"}, {"gettext-de", "sentencepiece", "sentencepiece"}, {"tsv", "char", "char"}}};

const Defaults& defaults_of(const std::string& name) {
    for (const Defaults& d : kSets)
        if (name == d.name) return d;
    fail("unknown sequence data set '{}' (expected cmudict, gettext-de or tsv)", name);
}

std::unique_ptr<Vocabulary> build_vocabulary(const std::string& kind, const std::vector<std::string>& texts,
                                             const SequenceDatasetSpec& spec) {
    if (kind == "char") return std::make_unique<CharVocabulary>(CharVocabulary::build(texts));
    if (kind == "symbol") return std::make_unique<SymbolVocabulary>(SymbolVocabulary::build(texts));
    if (kind == "sentencepiece") return train_sentencepiece(texts, {spec.subwords});
    fail("unknown vocabulary '{}' (expected char, symbol or sentencepiece)", kind);
}

// A split from its own file when the directory has one, else carved from train.tsv by the seed.
SequenceSplits read_tsv_splits(const SequenceDatasetSpec& spec) {
    if (spec.dir.empty()) fail("the tsv data set needs --data-dir, a directory holding train.tsv");
    const fs::path train = spec.dir / "train.tsv", val = spec.dir / "val.tsv", test = spec.dir / "test.tsv";
    const bool has_val = fs::exists(val), has_test = fs::exists(test);
    SequenceSplits s = split_sequences(read_parallel_tsv(train),
                                       {has_test ? 0 : spec.test_size, has_val ? 0 : spec.val_size, spec.max_train},
                                       spec.seed);
    if (has_val) s.val = read_parallel_tsv(val);
    if (has_test) s.test = read_parallel_tsv(test);
    return s;
}

ParallelCorpus read_builtin(const SequenceDatasetSpec& spec) {
    if (spec.name == "cmudict") return read_cmudict(spec.dir.empty() ? fs::path(kFestivalCmudictPath) : spec.dir);
    return read_gettext_corpus(builtin_gettext_de_spec(), spec.dir.empty() ? kSystemLocaleDir : spec.dir).corpus;
}

}  // namespace

bool is_sequence_dataset(const std::string& name) {
    for (const Defaults& d : kSets)
        if (name == d.name) return true;
    return false;
}

SequenceDataset load_sequence_dataset(const SequenceDatasetSpec& spec) {
    const Defaults& defaults = defaults_of(spec.name);
    SequenceDataset d;
    d.name = spec.name;
    SequenceSplits splits;
    if (spec.name == "tsv") {
        splits = read_tsv_splits(spec);
        d.origin = spec.dir.string();
        d.hash = splits.train.hash + splits.val.hash + splits.test.hash;
    } else {
        ParallelCorpus corpus = read_builtin(spec);
        d.origin = corpus.origin;
        d.hash = corpus.hash;
        splits = split_sequences(corpus, {spec.test_size, spec.val_size, spec.max_train}, spec.seed);
    }
    d.train = std::move(splits.train);
    d.val = std::move(splits.val);
    d.test = std::move(splits.test);
    d.source_vocab = build_vocabulary(spec.source_vocab.empty() ? defaults.source_vocab : spec.source_vocab,
                                      source_texts(d.train), spec);
    d.target_vocab = build_vocabulary(spec.target_vocab.empty() ? defaults.target_vocab : spec.target_vocab,
                                      target_texts(d.train), spec);
    d.train_encoded = encode_corpus(d.train, *d.source_vocab, *d.target_vocab);
    d.val_encoded = encode_corpus(d.val, *d.source_vocab, *d.target_vocab);
    d.test_encoded = encode_corpus(d.test, *d.source_vocab, *d.target_vocab);
    return d;
}

}  // namespace lskd::data
