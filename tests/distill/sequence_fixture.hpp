// A small real sequence task for the distill tests: a TSV corpus written here (each source, a few random letters;
// its target, the letters reversed and spaced), split by seed into train, val and test, with char vocabularies.
#pragma once
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "distill/sequence_run.hpp"
#include "tests/distill/run_fixture.hpp"

namespace lskd::testing {

// A directory holding train.tsv of `examples` lines over the letters of `alphabet`.
inline std::string reversal_corpus(const std::string& name, int examples, const std::string& alphabet = "abcdefgh") {
    const std::string dir = temp_path(name);
    std::filesystem::create_directories(dir);
    std::mt19937 rng(7);
    std::ofstream out(dir + "/train.tsv");
    for (int i = 0; i < examples; ++i) {
        std::string source, target;
        const int length = 2 + static_cast<int>(rng() % 5);
        for (int j = 0; j < length; ++j) source += alphabet[rng() % alphabet.size()];
        for (auto c = source.rbegin(); c != source.rend(); ++c) target += std::string(target.empty() ? "" : " ") + *c;
        out << source << '\t' << target << '\n';
    }
    return dir;
}

inline distill::RunConfig sequence_config(const std::string& data_dir, const std::string& output) {
    distill::RunConfig c;
    c.model = "transformer-tiny";
    c.dataset = "tsv";
    c.data_dir = data_dir;
    c.val_size = 40;
    c.test_size = 40;
    c.epochs = 2;
    c.batch = 32;
    c.optimizer = "adamw";
    c.lr = 1e-3;
    c.schedule = "inverse-sqrt";
    c.warmup = 10;
    c.dropout = 0.1;
    c.threads = 1;
    c.record_per_class = 3;
    c.output = output;
    return c;
}

}  // namespace lskd::testing
