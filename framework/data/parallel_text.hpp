// A parallel corpus: source strings with one or more reference strings each, the shape every sequence data source
// (a TSV file, the CMU dictionary, gettext catalogues) reads into before vocabularies and token batches are made.
#pragma once
#include <string>
#include <vector>

namespace lskd::data {

struct ParallelExample {
    std::string source;
    // At least one; references[0] is the target a model is trained on, all count when decodes are scored (a
    // homograph's other pronunciations, a TSV row's extra columns).
    std::vector<std::string> references;
};

struct ParallelCorpus {
    std::string origin;  // the file or built-in set it was read from, for messages and the run's header
    std::string hash;    // a hex digest of the examples as read, recorded in every run trained on them
    std::vector<ParallelExample> examples;
};

}  // namespace lskd::data
