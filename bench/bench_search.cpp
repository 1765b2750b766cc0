// Micro benchmarks of the searches' own cost per step (log-softmax normalisers, candidate selection, bookkeeping):
// a decoder whose logits are a fixed random table, so that it costs nothing and every hypothesis runs to the
// maximum length (EOS is made rare). 32 sources, 30 steps; arguments: vocabulary size, beam (0: greedy).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <vector>

#include "framework/core/random.hpp"
#include "framework/data/vocabulary.hpp"
#include "models/beam_search.hpp"
#include "models/greedy_search.hpp"

using namespace lskd;

namespace {

constexpr std::int64_t kSources = 32, kSteps = 30;

class TableDecoder : public models::StepDecoder {
public:
    TableDecoder(std::int32_t vocab, std::int64_t max_rows) : vocab_(vocab), by_rows_(max_rows + 1) {
        Rng rng(7);
        table_.resize(static_cast<std::size_t>(max_rows * vocab));
        for (float& v : table_) v = rng.normal();
        for (std::int64_t r = 0; r < max_rows; ++r) table_[r * vocab + data::kEosId] = -30.0f;
    }
    std::int64_t sources() const override { return kSources; }
    std::int32_t vocab_size() const override { return vocab_; }
    void start(std::int64_t rows_per_source) override { rows_ = kSources * rows_per_source; }
    void step(std::span<const std::int32_t>, Tensor& logits) override {
        Tensor& t = by_rows_[static_cast<std::size_t>(rows_)];
        if (!t.defined()) t = Tensor::from({rows_, vocab_}, {table_.data(), static_cast<std::size_t>(rows_ * vocab_)});
        logits = t;
    }
    void reorder(std::span<const std::int32_t> parents) override { rows_ = static_cast<std::int64_t>(parents.size()); }

private:
    std::int32_t vocab_;
    std::int64_t rows_ = 0;
    std::vector<float> table_;
    std::vector<Tensor> by_rows_;
};

void BM_Search(benchmark::State& state) {
    const auto vocab = static_cast<std::int32_t>(state.range(0));
    const auto beam = static_cast<std::int32_t>(state.range(1));
    models::SearchOptions o;
    o.beam = std::max(beam, 1);
    o.max_length_b = kSteps;
    TableDecoder decoder(vocab, kSources * o.beam);
    const std::vector<std::int64_t> lengths(kSources, 0);
    models::BeamSearch beam_search(o);
    models::GreedySearch greedy_search(o);
    for (auto _ : state) {
        const models::SearchResult& r = beam > 0 ? beam_search.run(decoder, lengths)
                                                 : greedy_search.run(decoder, lengths);
        benchmark::DoNotOptimize(r.best(0).score);
    }
    state.counters["row_steps/s"] = benchmark::Counter(static_cast<double>(kSources * std::max(beam, 1) * kSteps),
                                                       benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Search)->ArgsProduct({{64, 8000, 32000}, {0, 1, 5}})->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
