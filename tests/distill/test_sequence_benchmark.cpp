// The sequence benchmark's bookkeeping (distill/sequence_benchmark.hpp), not its timings: the synthetic words'
// shapes and ids, and with a clock of the test's own, how steps and passes turn into tokens/s and words/s under the
// keys `lskd bench --json` prints for a sequence model.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "distill/sequence_benchmark.hpp"
#include "framework/core/error.hpp"
#include "framework/ops/precision.hpp"

using namespace lskd;
using distill::Elapsed;

namespace {

distill::SequenceBenchmarkSpec tiny_spec() {
    distill::SequenceBenchmarkSpec spec;
    spec.batch = 4;
    spec.steps = 2;
    spec.warmup = 1;
    spec.decode_passes = 3;
    spec.source_length = 3;
    spec.target_length = 2;
    spec.source_vocab = 9;
    spec.target_vocab = 7;
    spec.beam = 2;
    spec.threads = 1;
    return spec;
}

}  // namespace

TEST_CASE("synthetic words have the lengths and ids asked for", "[distill][bench]") {
    const distill::SequenceBenchmarkSpec spec = tiny_spec();
    const auto words = distill::synthetic_words(spec, 50, 7);
    REQUIRE(words.size() == 50);
    std::set<std::int32_t> seen;
    for (const auto& w : words) {
        CHECK(w.source.size() == 3);
        CHECK(w.target.size() == 2);
        for (auto id : w.source) CHECK((id >= 4 && id < 9));
        for (auto id : w.target) CHECK((id >= 4 && id < 7));
        seen.insert(w.source.begin(), w.source.end());
    }
    CHECK(seen.size() == 5);  // 150 draws leave none of the five ids out
    const auto again = distill::synthetic_words(spec, 50, 7), other = distill::synthetic_words(spec, 50, 8);
    CHECK(again[17].source == words[17].source);
    bool differs = false;
    for (std::size_t i = 0; i < words.size(); ++i) differs = differs || other[i].source != words[i].source;
    CHECK(differs);
    distill::SequenceBenchmarkSpec bad = spec;
    bad.target_vocab = 4;
    CHECK_THROWS_WITH(distill::synthetic_words(bad, 1, 7), Catch::Contains("vocabularies of 9 and 4"));
}

TEST_CASE("sequence bench turns steps into tokens and words per second", "[distill][bench]") {
    // Every reading of the test's clock advances it by 1 s wall and 2 s CPU: each timed phase then lasts 1 s, so
    // a step's mean is 1 / steps and the rates count exactly the units per step times the steps.
    Elapsed now;
    const distill::Clock clock = [&] {
        now.wall_s += 1.0;
        now.cpu_s += 2.0;
        return now;
    };
    const distill::SequenceBenchmarkSpec spec = tiny_spec();
    const distill::SequenceBenchmark r = distill::run_sequence_benchmark(spec, clock);
    CHECK(r.threads == 1);
    CHECK(r.target_tokens == 4 * 3);  // rows × (target + EOS)
    CHECK(r.train.step.wall_s == Approx(0.5));
    CHECK(r.greedy.cpu_s == Approx(2.0 / 3.0));
    CHECK_FALSE(r.train.lines.empty());
    CHECK_FALSE(r.beam.lines.empty());
    const auto n = r.numbers();
    CHECK(n.at("train_tok_per_s") == Approx(24.0));
    CHECK(n.at("train_step_cpu_ms") == Approx(1000.0));
    CHECK(n.at("beam_words_per_s") == Approx(12.0));
    CHECK(n.at("beam_words_per_cpu_s") == Approx(6.0));
    CHECK(n.at("greedy_words_per_s") == Approx(12.0));
    CHECK(n.at("greedy_words_per_cpu_s") == Approx(6.0));
    CHECK(n.at("target_tokens") == 12.0);
    CHECK(n.at("batch") == 4.0);
    CHECK(n.at("beam") == 2.0);
    for (const char* key : {"train_gemm_cpu_ms", "train_overhead_share_cpu", "beam_step_ms", "beam_profiled_step_ms",
                            "threads", "peak_rss_mib"})
        CHECK(n.count(key) == 1);
}

TEST_CASE("a sequence bench with no pass or no length is refused", "[distill][bench]") {
    distill::SequenceBenchmarkSpec spec = tiny_spec();
    spec.decode_passes = 0;
    CHECK_THROWS_WITH(distill::run_sequence_benchmark(spec), Catch::Contains("the decoding passes (0)"));
    spec = tiny_spec();
    spec.target_length = 0;
    CHECK_THROWS_WITH(distill::run_sequence_benchmark(spec), Catch::Contains("the target length (0)"));
    spec = tiny_spec();
    spec.beam = 0;
    CHECK_THROWS_WITH(distill::run_sequence_benchmark(spec), Catch::Contains("the beam (0)"));
    spec = tiny_spec();
    spec.model = "mlp-800";
    CHECK_THROWS_AS(distill::run_sequence_benchmark(spec), Error);
    spec = tiny_spec();
    spec.precision = "fp16";
    CHECK_THROWS_WITH(distill::run_sequence_benchmark(spec), Catch::Contains("unknown precision 'fp16'"));
}

namespace {

// The oneDNN implementations of the phase's attention products (matmul lines), one per line.
std::vector<std::string> matmul_kernels(const distill::PhaseCost& phase) {
    std::vector<std::string> out;
    for (const auto& line : phase.lines)
        if (line.what.rfind("matmul", 0) == 0) out.push_back(line.what);
    return out;
}

bool bf16_kernel(const std::string& what) {
    return what.find("bf16") != std::string::npos || what.find("amx") != std::string::npos;
}

}  // namespace

TEST_CASE("a bf16 sequence bench runs attention's products on bf16 kernels", "[distill][bench][bf16]") {
    if (!ops::cpu_has_bf16()) {
        WARN("SKIPPED: no avx512_bf16 or amx_bf16 on this CPU, where a bf16 bench is refused");
        return;
    }
    distill::SequenceBenchmarkSpec spec = tiny_spec();
    for (const std::string precision : {"f32", "bf16"}) {
        spec.precision = precision;
        const distill::SequenceBenchmark r = distill::run_sequence_benchmark(spec);
        const std::vector<std::string> train = matmul_kernels(r.train), beam = matmul_kernels(r.beam);
        REQUIRE_FALSE(train.empty());
        REQUIRE_FALSE(beam.empty());
        for (const auto& what : train) CHECK(bf16_kernel(what) == (precision == "bf16"));
        for (const auto& what : beam) CHECK(bf16_kernel(what) == (precision == "bf16"));
    }
}
