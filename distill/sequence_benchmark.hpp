// `lskd bench` for a sequence model: on synthetic token batches shaped like CMU words, the steady-state training
// step (forward, token loss with label smoothing, backward, AdamW) in target tokens/s, and decoding with the cached
// step decoder (beam search and greedy) in sources ("words") per second. The harness of step_benchmark.hpp times it.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "distill/step_benchmark.hpp"
#include "framework/data/encoded_corpus.hpp"

namespace lskd::distill {

struct SequenceBenchmarkSpec {
    std::string model = "transformer-tiny";
    // Every row has exactly these lengths (EOS and BOS not counted): length-sorted batches have almost no padding.
    std::int64_t source_length = 8, target_length = 7;
    std::int64_t source_vocab = 30, target_vocab = 45;  // the 4 special ids included
    std::int64_t batch = 128, steps = 50, warmup = 5;   // training rows per step; also the sources decoded per pass
    std::int64_t decode_passes = 5;                     // timed decoding passes (after one untimed)
    std::int32_t beam = 5;
    double label_smoothing = 0.1;
    int threads = 0;                // 0: all
    std::string precision = "f32";  // of the linear layers and attention's products, training and decoding alike
};

struct SequenceBenchmark {
    SequenceBenchmarkSpec spec;
    int threads = 0;
    PhaseCost train;                 // one training step
    PhaseCost beam;                  // one beam search pass over spec.batch sources
    Elapsed greedy;                  // one greedy pass over the same sources
    std::int64_t target_tokens = 0;  // per training step: rows × (target_length + 1), EOS counted

    // The numbers `lskd bench --json` prints for a sequence model, by key (docs/speed.md; bench/compare_pytorch.py).
    std::map<std::string, double> numbers() const;
};

// `count` examples of exactly the spec's lengths, ids uniform over the non-special ones (deterministic in `seed`).
std::vector<data::EncodedExample> synthetic_words(const SequenceBenchmarkSpec& spec, std::int64_t count,
                                                  std::uint64_t seed);

// Builds spec.model (seed 1, no dropout) and measures it in spec.precision. Errors name the bad setting (and a
// precision the CPU lacks). Decoding runs every hypothesis
// to exactly target_length tokens and EOS (EOS barred before, forced there), so that the work of a pass does not
// depend on the random weights and the PyTorch twin does the same work.
SequenceBenchmark run_sequence_benchmark(const SequenceBenchmarkSpec& spec, const Clock& clock = process_clock());

}  // namespace lskd::distill
