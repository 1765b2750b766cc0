#include "distill/sequence_benchmark.hpp"

#include "distill/run_precision.hpp"
#include "distill/sequence_decoding.hpp"
#include "distill/token_loss.hpp"
#include "framework/core/error.hpp"
#include "framework/core/random.hpp"
#include "framework/data/token_batches.hpp"
#include "framework/data/vocabulary.hpp"
#include "framework/optim/adamw.hpp"
#include "framework/runtime/threads.hpp"
#include "models/model_registry.hpp"

namespace lskd::distill {
namespace {

void check(const SequenceBenchmarkSpec& s) {
    if (s.batch <= 0 || s.steps <= 0 || s.warmup < 0 || s.decode_passes <= 0)
        fail("bench: the batch ({}), the steps ({}) and the decoding passes ({}) must be positive, the warm-up steps "
             "({}) not negative",
             s.batch, s.steps, s.decode_passes, s.warmup);
    if (s.source_length <= 0 || s.target_length <= 0)
        fail("bench: the source length ({}) and the target length ({}) must be positive", s.source_length,
             s.target_length);
    if (s.beam < 1) fail("bench: the beam ({}) must be at least 1", s.beam);
}

models::SearchOptions fixed_length_search(const SequenceBenchmarkSpec& s, std::int32_t beam) {
    models::SearchOptions o;
    o.beam = beam;
    o.max_length_a = 0.0;
    o.max_length_b = s.target_length;
    o.min_length = s.target_length;
    return o;
}

data::TokenBatch one_batch(const std::vector<data::EncodedExample>& examples) {
    data::TokenBatchSpec spec;
    spec.max_sentences = examples.size();
    spec.shuffle = false;
    data::TokenBatcher batcher(examples, spec);
    batcher.begin_epoch(0);
    data::TokenBatch batch;
    batcher.next(batch);
    return batch;
}

PhaseCost measure_training(models::Transformer& model, const SequenceBenchmarkSpec& s, const Clock& clock) {
    const data::TokenBatch b = one_batch(synthetic_words(s, s.batch, 3));
    optim::AdamWOptions o;
    o.lr = 1e-3;
    optim::AdamW adamw(model.named_parameters(), o);
    TokenLossWorkspace workspace;
    model.train();
    return measure_phase(
        [&] {
            const models::SequenceOutput out =
                model.forward_tokens({b.source, b.rows, b.source_length}, {b.decoder_input, b.rows, b.target_length});
            token_loss(out.logits, b.target, s.label_smoothing, nullptr, {}, workspace).objective.backward();
            adamw.step();
            adamw.zero_grad();
        },
        s.warmup, s.steps, clock);
}

}  // namespace

std::vector<data::EncodedExample> synthetic_words(const SequenceBenchmarkSpec& spec, std::int64_t count,
                                                  std::uint64_t seed) {
    constexpr std::int32_t first = data::kUnkId + 1;
    if (spec.source_vocab <= first || spec.target_vocab <= first)
        fail("bench: vocabularies of {} and {} tokens leave none beside the {} special ones", spec.source_vocab,
             spec.target_vocab, first);
    Rng rng(seed);
    const auto draw = [&](std::int64_t vocab) {
        return first + static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(vocab - first)));
    };
    std::vector<data::EncodedExample> out(static_cast<std::size_t>(count));
    for (auto& e : out) {
        for (std::int64_t i = 0; i < spec.source_length; ++i) e.source.push_back(draw(spec.source_vocab));
        for (std::int64_t i = 0; i < spec.target_length; ++i) e.target.push_back(draw(spec.target_vocab));
    }
    return out;
}

SequenceBenchmark run_sequence_benchmark(const SequenceBenchmarkSpec& spec, const Clock& clock) {
    check(spec);
    SequenceBenchmark out;
    out.spec = spec;
    out.threads = runtime::init_threads(spec.threads).threads;
    const ops::PrecisionGuard precision(checked_precision(spec.precision, "bench"));
    out.target_tokens = spec.batch * (spec.target_length + 1);
    const auto model = models::make_sequence_model(spec.model, spec.source_vocab, spec.target_vocab, 1);
    out.train = measure_training(*model, spec, clock);

    // decode_examples switches to eval mode without a graph, as a run's decoding does.
    const std::vector<data::EncodedExample> sources = synthetic_words(spec, spec.batch, 5);
    const models::SearchOptions beam = fixed_length_search(spec, spec.beam), greedy = fixed_length_search(spec, 1);
    out.beam = measure_phase([&] { decode_examples(*model, sources, beam); }, 1, spec.decode_passes, clock);
    out.greedy = time_steps([&] { decode_examples(*model, sources, greedy); }, 1, spec.decode_passes, clock);
    return out;
}

std::map<std::string, double> SequenceBenchmark::numbers() const {
    const double words = static_cast<double>(spec.batch);
    std::map<std::string, double> n{
        {"peak_rss_mib", train.peak_rss_mib},          {"batch", words},
        {"threads", static_cast<double>(threads)},     {"target_tokens", static_cast<double>(target_tokens)},
        {"beam", static_cast<double>(spec.beam)},      {"beam_words_per_cpu_s", words / beam.step.cpu_s},
        {"greedy_words_per_s", words / greedy.wall_s}, {"greedy_words_per_cpu_s", words / greedy.cpu_s}};
    add_phase_numbers(n, "train", train, static_cast<double>(target_tokens), "tok");
    add_phase_numbers(n, "beam", beam, words, "words");
    return n;
}

}  // namespace lskd::distill
