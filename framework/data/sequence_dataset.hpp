// load_sequence_dataset, the one entry point to the parallel text lskd trains sequence models on (docs/method.md
// §15): a built-in set read straight from Debian's files (cmudict: the CMU dictionary of festlex-cmu; gettext-de: the
// German catalogues of the pinned packages) or a user's TSV files, split by seed, with both vocabularies built on
// the training split only and every split encoded. Bad input throws one lskd::Error naming the file and line.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "framework/data/encoded_corpus.hpp"
#include "framework/data/parallel_text.hpp"
#include "framework/data/vocabulary.hpp"

namespace lskd::data {

// Whether `name` is a sequence data set: cmudict, gettext-de or tsv.
bool is_sequence_dataset(const std::string& name);

struct SequenceDatasetSpec {
    std::string name = "cmudict";
    // cmudict: the dictionary file (empty: Debian's); gettext-de: the locale directory (empty: the system's);
    // tsv: a directory of train.tsv and, optionally, val.tsv and test.tsv (carved from train.tsv by seed if absent).
    std::filesystem::path dir;
    std::size_t val_size = 0;
    std::size_t test_size = 0;
    std::size_t max_train = 0;  // 0: every training example
    std::uint64_t seed = 0;
    // Vocabulary kinds (char, symbol, sentencepiece); empty: the set's own (cmudict: char → symbol; gettext-de:
    // sentencepiece on both sides; tsv: char on both sides).
    std::string source_vocab, target_vocab;
    std::int32_t subwords = 4000;  // sentencepiece vocabulary size per side
};

struct SequenceDataset {
    std::string name;
    std::string origin;  // the file or directory read
    std::string hash;    // of the whole corpus as read
    ParallelCorpus train, val, test;
    std::unique_ptr<Vocabulary> source_vocab, target_vocab;
    std::vector<EncodedExample> train_encoded, val_encoded, test_encoded;
};

SequenceDataset load_sequence_dataset(const SequenceDatasetSpec& spec);

}  // namespace lskd::data
