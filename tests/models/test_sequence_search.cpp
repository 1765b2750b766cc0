// Greedy and beam search (models/greedy_search.hpp, models/beam_search.hpp) on toy decoders whose logits are a
// function of each row's whole history, so that every hypothesis and score is known: hand-worked two-step
// examples, exhaustive search (also on a tiny random Transformer's step decoder), greedy against beam 1, batches
// against single sources, the reorder() contract, the length rules, bad input and a second run that allocates nothing.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/core/random.hpp"
#include "framework/data/vocabulary.hpp"
#include "framework/runtime/threads.hpp"
#include "models/beam_search.hpp"
#include "models/greedy_search.hpp"
#include "models/transformer.hpp"
#include "models/transformer_step_decoder.hpp"
#include "tests/heap_counter.hpp"

using namespace lskd;
using models::LengthNorm;
using models::SearchOptions;
using models::SearchResult;
using Tokens = std::vector<std::int32_t>;

namespace {

constexpr std::int32_t kEos = data::kEosId;
constexpr float kMinusInf = -std::numeric_limits<float>::infinity();

void require(bool ok, const char* broken) {
    if (!ok) throw std::logic_error(broken);
}

// A StepDecoder that keeps every row's history (BOS first) and enforces the contract: step() after start(), one
// token per row into logits the caller shaped [rows, V], BOS first and never again, nothing after EOS, parents in
// range and never more rows than start() made. Its logits are row_logits() of the source and the history. Storage
// is sized at construction, so that a repeated run allocates nothing here.
class HistoryDecoder : public models::StepDecoder {
public:
    HistoryDecoder(std::int64_t sources, std::int32_t vocab, std::int64_t max_rows, std::int64_t max_history)
        : sources_(sources),
          vocab_(vocab),
          max_history_(max_history),
          history_(static_cast<std::size_t>(max_rows * max_history)),
          scratch_(history_.size()),
          length_(static_cast<std::size_t>(max_rows)),
          scratch_length_(length_.size()),
          source_(length_.size()),
          scratch_source_(length_.size()) {
        rows_per_step.reserve(1024);
    }

    std::int64_t sources() const override { return sources_; }
    std::int32_t vocab_size() const override { return vocab_; }

    void start(std::int64_t rows_per_source) override {
        rows_ = sources_ * rows_per_source;
        require(rows_ <= static_cast<std::int64_t>(length_.size()), "start: more rows than the test allowed");
        for (std::int64_t r = 0; r < rows_; ++r) length_[r] = 0, source_[r] = r / rows_per_source;
        rows_per_step.clear();
    }

    void step(std::span<const std::int32_t> tokens, Tensor& logits) override {
        require(static_cast<std::int64_t>(tokens.size()) == rows_ && rows_ > 0, "step: not one token per row");
        require(logits.shape() == Shape{rows_, vocab_}, "step: logits not shaped [rows, V] by the caller");
        const std::span<float> out = logits.values_in_place();
        for (std::int64_t r = 0; r < rows_; ++r) {
            std::int32_t* h = &history_[static_cast<std::size_t>(r * max_history_)];
            std::int64_t& n = length_[static_cast<std::size_t>(r)];
            require(n < max_history_, "step: history longer than the maximum length allows");
            require((n == 0) == (tokens[r] == data::kBosId), "step: BOS must come first and only first");
            require(tokens[r] != data::kPadId, "step: PAD fed to the decoder");
            require(n == 0 || h[n - 1] != kEos, "step: a row continued after EOS");
            h[n++] = tokens[r];
            row_logits(source_[r], {h + 1, static_cast<std::size_t>(n - 1)},
                       out.subspan(static_cast<std::size_t>(r * vocab_), static_cast<std::size_t>(vocab_)));
        }
        rows_per_step.push_back(rows_);
    }

    void reorder(std::span<const std::int32_t> parents) override {
        require(!parents.empty() && static_cast<std::int64_t>(parents.size()) <= rows_, "reorder: rows must not grow");
        for (std::size_t r = 0; r < parents.size(); ++r) {
            require(parents[r] >= 0 && parents[r] < rows_, "reorder: parent out of range");
            const auto p = static_cast<std::size_t>(parents[r]);
            std::copy_n(&history_[p * max_history_], max_history_, &scratch_[r * max_history_]);
            scratch_length_[r] = length_[p];
            scratch_source_[r] = source_[p];
        }
        std::swap(history_, scratch_);
        std::swap(length_, scratch_length_);
        std::swap(source_, scratch_source_);
        rows_ = static_cast<std::int64_t>(parents.size());
    }

    // The logits of the next token after `history` (the target tokens so far, BOS not included).
    virtual void row_logits(std::int64_t source, std::span<const std::int32_t> history, std::span<float> out) const = 0;

    std::vector<std::int64_t> rows_per_step;

private:
    std::int64_t sources_;
    std::int32_t vocab_;
    std::int64_t max_history_;
    std::int64_t rows_ = 0;
    std::vector<std::int32_t> history_, scratch_;
    std::vector<std::int64_t> length_, scratch_length_, source_, scratch_source_;
};

// Logits drawn from a hash of (seed, source, history): a fixed random tree of distributions. PAD and BOS get a
// bonus so that a search that let them through would pick them; `eos_bias` makes EOS likelier or rarer.
class RandomDecoder : public HistoryDecoder {
public:
    RandomDecoder(std::uint64_t seed, std::int64_t first_source, std::int64_t sources, std::int32_t vocab,
                  std::int64_t max_rows, std::int64_t max_history, float eos_bias = 0.0f)
        : HistoryDecoder(sources, vocab, max_rows, max_history),
          seed_(seed),
          first_source_(first_source),
          eos_bias_(eos_bias) {}

    void row_logits(std::int64_t source, std::span<const std::int32_t> history, std::span<float> out) const override {
        std::uint64_t h = hash_keys(seed_, {static_cast<std::uint64_t>(first_source_ + source)});
        for (std::int32_t t : history) h = hash_keys(h, {static_cast<std::uint64_t>(t)});
        for (std::size_t v = 0; v < out.size(); ++v) out[v] = 4.0f * to_unit_float(hash_keys(h, {v})) - 2.0f;
        out[data::kPadId] += 3.0f;
        out[data::kBosId] += 3.0f;
        out[kEos] += eos_bias_;
    }

private:
    std::uint64_t seed_;
    std::int64_t first_source_;
    float eos_bias_;
};

// log_softmax(z / T) of every token after `history`, in double, written out independently of the search's code.
std::vector<double> log_softmax(std::span<const float> z, double t) {
    double top = -INFINITY, sum = 0.0;
    for (float v : z) top = std::max(top, v / t);
    for (float v : z) sum += std::exp(v / t - top);
    std::vector<double> out(z.size());
    for (std::size_t v = 0; v < z.size(); ++v) out[v] = z[v] / t - top - std::log(sum);
    return out;
}

std::vector<double> log_probs(const HistoryDecoder& d, std::int64_t source, const Tokens& history, double t) {
    std::vector<float> z(static_cast<std::size_t>(d.vocab_size()));
    d.row_logits(source, history, z);
    return log_softmax(z, t);
}

double normalised(double raw, std::size_t tokens_with_eos, LengthNorm norm, double a) {
    const auto n = static_cast<double>(tokens_with_eos);
    if (norm == LengthNorm::fairseq) return raw / std::pow(n, a);
    if (norm == LengthNorm::gnmt) return raw / std::pow((5.0 + n) / 6.0, a);
    return raw;
}

Tokens tokens_of(const models::Hypothesis& h) { return {h.tokens.begin(), h.tokens.end()}; }

}  // namespace

namespace {

constexpr std::int32_t kA = 3, kB = 4;

// The hand-worked tree over {EOS, a, b} (V = 5 with PAD and BOS, whose logits are -inf): the probabilities of
// EOS, a and b after each history. Logits are their logs plus a shift per history length, which log_softmax
// removes.
const std::map<Tokens, std::array<double, 3>> kTree = {
    {{}, {0.2, 0.6, 0.2}},       {{kA}, {0.3, 0.5, 0.2}},     {{kB}, {0.8, 0.1, 0.1}},     {{kA, kA}, {0.5, 0.4, 0.1}},
    {{kA, kB}, {0.3, 0.2, 0.5}}, {{kB, kA}, {0.3, 0.6, 0.1}}, {{kB, kB}, {0.8, 0.1, 0.1}},
};

class TreeDecoder : public HistoryDecoder {
public:
    TreeDecoder() : HistoryDecoder(1, 5, 4, 4) {}
    void row_logits(std::int64_t, std::span<const std::int32_t> history, std::span<float> out) const override {
        const auto& p = kTree.at(Tokens(history.begin(), history.end()));
        out[data::kPadId] = out[data::kBosId] = kMinusInf;
        for (int i = 0; i < 3; ++i) out[kEos + i] = static_cast<float>(std::log(p[i]) + 0.7 * history.size());
    }
};

// The tree's probability of `token` after `history` at temperature T: p^(1/T), renormalised over the row.
double tempered(const Tokens& history, std::int32_t token, double t) {
    const auto& p = kTree.at(history);
    return std::pow(p[token - kEos], 1.0 / t) /
           (std::pow(p[0], 1.0 / t) + std::pow(p[1], 1.0 / t) + std::pow(p[2], 1.0 / t));
}

// Checks a hypothesis against its tokens and its per-token probabilities (EOS's last).
void check_hypothesis(const models::Hypothesis& h, const Tokens& tokens, const std::vector<double>& probs,
                      double score) {
    CHECK(tokens_of(h) == tokens);
    REQUIRE(h.token_log_probs.size() == probs.size());
    double raw = 0.0;
    for (std::size_t i = 0; i < probs.size(); ++i) {
        CHECK(h.token_log_probs[i] == Approx(std::log(probs[i])).epsilon(1e-5));
        raw += std::log(probs[i]);
    }
    CHECK(h.raw_score == Approx(raw).epsilon(1e-5));
    CHECK(h.score == Approx(score).epsilon(1e-5));
}

SearchResult search_tree(TreeDecoder& decoder, LengthNorm norm, float alpha, float t) {
    SearchOptions o;
    o.beam = 2;
    o.max_length_b = 2;
    o.length_norm = norm;
    o.length_alpha = alpha;
    o.temperature = t;
    const std::int64_t lengths[] = {0};
    return models::BeamSearch(o).run(decoder, lengths);  // a copy, whose hypotheses view its own storage
}

}  // namespace

// T = 1, beam 2, at most 2 tokens. Step 0 (EOS barred): rows a (0.6), b (0.2). Step 1, the 2·beam best of the six
// extensions: aa 0.30, a·EOS 0.18, b·EOS 0.16, ab 0.12 (ba and bb 0.02). a·EOS is among the first two and ends;
// b·EOS is third, so it does not, though it beats aa·EOS below. aa and ab continue. Step 2 forces EOS:
// aa·EOS 0.15 ends and makes two; ab·EOS 0.036 comes too late. The n-best is {a, aa}; only the norm ranks it.
TEST_CASE("beam hand-worked length norms", "[search]") {
    TreeDecoder decoder;
    const std::vector<double> a = {0.6, 0.3}, aa = {0.6, 0.5, 0.5};
    const double raw_a = std::log(0.18), raw_aa = std::log(0.15);
    SECTION("none") {
        const SearchResult r = search_tree(decoder, LengthNorm::none, 1.0f, 1.0f);
        REQUIRE(r.size(0) == 2);
        check_hypothesis(r.at(0, 0), {kA}, a, raw_a);
        check_hypothesis(r.at(0, 1), {kA, kA}, aa, raw_aa);
    }
    SECTION("fairseq") {  // raw / |Y|, EOS counted: -0.857 for a, -0.632 for aa
        const SearchResult r = search_tree(decoder, LengthNorm::fairseq, 1.0f, 1.0f);
        check_hypothesis(r.at(0, 0), {kA, kA}, aa, raw_aa / 3.0);
        check_hypothesis(r.at(0, 1), {kA}, a, raw_a / 2.0);
    }
    SECTION("gnmt") {  // raw / ((5 + |Y|) / 6)^0.6: -1.563 for a, -1.596 for aa
        const SearchResult r = search_tree(decoder, LengthNorm::gnmt, 0.6f, 1.0f);
        check_hypothesis(r.at(0, 0), {kA}, a, raw_a / std::pow(7.0 / 6.0, 0.6));
        check_hypothesis(r.at(0, 1), {kA, kA}, aa, raw_aa / std::pow(8.0 / 6.0, 0.6));
    }
}

// T = 2 flattens every row (q ∝ √p): step 0 gives a 0.464, b 0.268. Step 1: aa 0.193, b·EOS 0.157, a·EOS 0.149,
// ab 0.122. Now b·EOS is among the first two and ends, a·EOS does not: the temperature changed which hypotheses
// survive, not only their scores. aa·EOS (0.082) ends at step 2 and makes two.
TEST_CASE("beam hand-worked temperature", "[search]") {
    TreeDecoder decoder;
    const SearchResult r = search_tree(decoder, LengthNorm::none, 1.0f, 2.0f);
    REQUIRE(r.size(0) == 2);
    check_hypothesis(r.at(0, 0), {kB}, {tempered({}, kB, 2.0), tempered({kB}, kEos, 2.0)},
                     std::log(tempered({}, kB, 2.0) * tempered({kB}, kEos, 2.0)));
    const std::vector<double> aa = {tempered({}, kA, 2.0), tempered({kA}, kA, 2.0), tempered({kA, kA}, kEos, 2.0)};
    check_hypothesis(r.at(0, 1), {kA, kA}, aa, std::log(aa[0] * aa[1] * aa[2]));
}

namespace {

// The log-probabilities of every token after a history (target tokens, BOS not included).
using NextLogProbs = std::function<std::vector<double>(const Tokens&)>;

// Every hypothesis a search may end with (tokens after BOS, EOS excluded) and its raw score, by enumeration.
void enumerate(const NextLogProbs& next, Tokens& prefix, double raw, std::int64_t max_length,
               std::map<Tokens, double>& out) {
    const std::vector<double> lp = next(prefix);
    if (!prefix.empty()) out[prefix] = raw + lp[kEos];  // min_length 1: no empty hypothesis
    if (static_cast<std::int64_t>(prefix.size()) == max_length) return;
    for (std::int32_t v = kEos + 1; v < static_cast<std::int32_t>(lp.size()); ++v) {
        prefix.push_back(v);
        enumerate(next, prefix, raw + lp[static_cast<std::size_t>(v)], max_length, out);
        prefix.pop_back();
    }
}

// Enumerates the hypotheses, checks their count and that the best is clear of the second, then checks that the
// search (whose beam was as wide as the count) found each with its score, ranked, the exhaustive best first.
void check_exhaustive(const NextLogProbs& next, std::int32_t vocab, std::int64_t max_length, LengthNorm norm,
                      const SearchResult& r, std::int64_t source) {
    std::map<Tokens, double> all;
    Tokens prefix;
    enumerate(next, prefix, 0.0, max_length, all);
    std::int64_t count = 0, level = 1;  // sequences of 1..max_length tokens over the vocab - 3 besides EOS
    for (std::int64_t k = 1; k <= max_length; ++k) count += level *= vocab - 3;
    REQUIRE(static_cast<std::int64_t>(all.size()) == count);
    std::vector<std::pair<double, Tokens>> ranked;
    for (const auto& [tokens, raw] : all) ranked.push_back({normalised(raw, tokens.size() + 1, norm, 1.0), tokens});
    std::sort(ranked.rbegin(), ranked.rend());
    REQUIRE(ranked[0].first - ranked[1].first > 1e-4);  // a clear winner, so float rounding cannot swap them
    REQUIRE(r.size(source) == count);
    CHECK(tokens_of(r.best(source)) == ranked[0].second);
    CHECK(r.best(source).score == Approx(ranked[0].first).epsilon(1e-5));
    for (std::int64_t k = 0; k < r.size(source); ++k) {
        const models::Hypothesis h = r.at(source, k);
        CHECK(h.raw_score == Approx(all.at(tokens_of(h))).epsilon(1e-5));
        if (k > 0) CHECK(r.at(source, k - 1).score >= h.score);
    }
}

// The same run of two searches, hypothesis by hypothesis, bit for bit.
void check_same(const SearchResult& a, std::int64_t source_a, const SearchResult& b, std::int64_t source_b) {
    REQUIRE(a.size(source_a) == b.size(source_b));
    for (std::int64_t k = 0; k < a.size(source_a); ++k) {
        const models::Hypothesis x = a.at(source_a, k), y = b.at(source_b, k);
        CHECK(tokens_of(x) == tokens_of(y));
        CHECK(std::equal(x.token_log_probs.begin(), x.token_log_probs.end(), y.token_log_probs.begin(),
                         y.token_log_probs.end()));
        CHECK(x.score == y.score);
        CHECK(x.raw_score == y.raw_score);
    }
}

}  // namespace

// With a beam as wide as the set of all hypotheses, no candidate is ever cut and no source ends early: the search
// finalises every sequence up to the maximum length, and its best is the exhaustive best.
TEST_CASE("beam as wide as the space is exhaustive", "[search]") {
    const auto [vocab, t, norm] = GENERATE(table<std::int32_t, float, LengthNorm>({
        {5, 1.0f, LengthNorm::none},
        {5, 1.5f, LengthNorm::fairseq},
        {6, 0.7f, LengthNorm::gnmt},
        {6, 1.0f, LengthNorm::fairseq},
    }));
    const std::int64_t max_length = 4, count = vocab == 5 ? 30 : 120;
    RandomDecoder decoder(31 + static_cast<std::uint64_t>(vocab), 0, 1, vocab, count, max_length + 1);
    SearchOptions o;
    o.beam = count;
    o.max_length_b = max_length;
    o.temperature = t;
    o.length_norm = norm;
    const std::int64_t lengths[] = {3};
    const SearchResult r = models::BeamSearch(o).run(decoder, lengths);
    check_exhaustive([&](const Tokens& h) { return log_probs(decoder, 0, h, t); }, vocab, max_length, norm, r, 0);
}

namespace {

struct Finished {
    double score, raw;
    Tokens tokens;
};

// The rules of beam_search.hpp written plainly, one source at a time: histories as vectors, every candidate of a
// step scored in double and sorted.
std::vector<Finished> reference_beam(const HistoryDecoder& d, std::int64_t source, std::int64_t source_length,
                                     const SearchOptions& o) {
    const std::int64_t max_length = models::max_target_length(source_length, o);
    std::vector<std::pair<Tokens, double>> rows = {{{}, 0.0}};
    std::vector<Finished> finished;
    for (std::int64_t step = 0; !rows.empty(); ++step) {
        std::vector<std::tuple<double, std::int32_t, std::size_t>> candidates;  // value, token, row
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const std::vector<double> lp = log_probs(d, source, rows[i].first, o.temperature);
            for (std::int32_t v = kEos; v < d.vocab_size(); ++v)
                if (v == kEos ? step >= std::min(o.min_length, max_length) : step < max_length)
                    candidates.emplace_back(rows[i].second + lp[static_cast<std::size_t>(v)], v, i);
        }
        std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
            return std::make_tuple(-std::get<0>(a), std::get<1>(a), std::get<2>(a)) <
                   std::make_tuple(-std::get<0>(b), std::get<1>(b), std::get<2>(b));
        });
        candidates.resize(std::min<std::size_t>(candidates.size(), 2 * static_cast<std::size_t>(o.beam)));
        std::vector<std::pair<Tokens, double>> next;
        for (std::size_t k = 0; k < candidates.size(); ++k) {
            const auto [value, token, row] = candidates[k];
            const Tokens& h = rows[row].first;
            if (token == kEos && k < static_cast<std::size_t>(o.beam) &&
                finished.size() < static_cast<std::size_t>(o.beam))
                finished.push_back({normalised(value, h.size() + 1, o.length_norm, o.length_alpha), value, h});
            if (token != kEos && next.size() < static_cast<std::size_t>(o.beam)) {
                next.push_back({h, value});
                next.back().first.push_back(token);
            }
        }
        if (static_cast<std::int64_t>(finished.size()) == o.beam) break;
        rows = std::move(next);
    }
    std::stable_sort(finished.begin(), finished.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
    return finished;
}

}  // namespace

// Larger vocabularies than the exhaustive case, beams that cut: the search against the plain reference above.
TEST_CASE("beam follows the plain reference", "[search]") {
    const auto [vocab, beam, t, norm] = GENERATE(table<std::int32_t, std::int32_t, float, LengthNorm>({
        {40, 4, 1.0f, LengthNorm::fairseq},
        {40, 3, 0.6f, LengthNorm::none},
        {300, 5, 1.4f, LengthNorm::gnmt},
        {12, 6, 1.0f, LengthNorm::fairseq},
    }));
    const std::int64_t lengths[] = {5, 2, 8};
    SearchOptions o;
    o.beam = beam;
    o.temperature = t;
    o.length_norm = norm;
    o.length_alpha = 0.8f;
    o.max_length_a = 1.0;
    o.max_length_b = 3;
    RandomDecoder decoder(59 + static_cast<std::uint64_t>(vocab), 0, 3, vocab, 3 * beam, 13, 1.0f);
    const SearchResult r = models::BeamSearch(o).run(decoder, lengths);
    for (std::int64_t s = 0; s < 3; ++s) {
        const std::vector<Finished> expected = reference_beam(decoder, s, lengths[s], o);
        REQUIRE(r.size(s) == static_cast<std::int64_t>(expected.size()));
        for (std::int64_t k = 0; k < r.size(s); ++k) {
            CHECK(tokens_of(r.at(s, k)) == expected[static_cast<std::size_t>(k)].tokens);
            CHECK(r.at(s, k).score == Approx(expected[static_cast<std::size_t>(k)].score).epsilon(1e-5));
        }
    }
}

TEST_CASE("greedy equals beam 1", "[search]") {
    const auto [t, norm] = GENERATE(table<float, LengthNorm>({
        {1.0f, LengthNorm::none},
        {0.7f, LengthNorm::fairseq},
        {1.6f, LengthNorm::gnmt},
    }));
    const std::int64_t lengths[] = {3, 9, 0, 5, 6};
    SearchOptions o;
    o.beam = 1;
    o.temperature = t;
    o.length_norm = norm;
    o.max_length_a = 1.5;
    o.max_length_b = 2;
    RandomDecoder decoder(5, 0, 5, 9, 5, 20, 0.5f);
    const SearchResult greedy = models::GreedySearch(o).run(decoder, lengths);
    const SearchResult beam = models::BeamSearch(o).run(decoder, lengths);
    for (std::int64_t s = 0; s < 5; ++s) check_same(greedy, s, beam, s);
}

TEST_CASE("a batch decodes like its sources alone", "[search]") {
    const std::int64_t lengths[] = {4, 1, 7, 3, 5};
    SearchOptions o;
    o.beam = 3;
    o.temperature = 1.2f;
    o.max_length_a = 1.0;
    o.max_length_b = 2;
    RandomDecoder batch(17, 0, 5, 8, 15, 12);
    models::BeamSearch search(o);
    const SearchResult together = search.run(batch, lengths);
    const SearchResult greedy_together = models::GreedySearch(o).run(batch, lengths);
    for (std::int64_t s = 0; s < 5; ++s) {
        RandomDecoder alone(17, s, 1, 8, 3, 12);
        check_same(together, s, search.run(alone, {&lengths[s], 1}), 0);
        check_same(greedy_together, s, models::GreedySearch(o).run(alone, {&lengths[s], 1}), 0);
    }
}

// EOS made rare, so every hypothesis runs to its source's maximum length (1, 3 and 2 tokens): the rows are known
// at every step, and the decoder's own histories (which it checks) must give the log-probabilities the search
// reports for its hypotheses.
TEST_CASE("reorder contract", "[search]") {
    const std::int64_t lengths[] = {1, 3, 2};
    SearchOptions o;
    o.beam = 2;
    o.length_norm = LengthNorm::none;
    o.max_length_a = 1.0;
    o.max_length_b = 0;
    RandomDecoder decoder(23, 0, 3, 8, 6, 5, -12.0f);
    const SearchResult beam = models::BeamSearch(o).run(decoder, lengths);
    // Each source has its beam of rows (at step 0 all BOS) until it ends, then none.
    CHECK(decoder.rows_per_step == std::vector<std::int64_t>{6, 6, 4, 2});
    const SearchResult greedy = models::GreedySearch(o).run(decoder, lengths);
    CHECK(decoder.rows_per_step == std::vector<std::int64_t>{3, 3, 2, 1});
    for (const SearchResult* r : {&beam, &greedy})
        for (std::int64_t s = 0; s < 3; ++s) {
            REQUIRE(r->size(s) == (r == &beam ? 2 : 1));
            for (std::int64_t k = 0; k < r->size(s); ++k) {
                const models::Hypothesis h = r->at(s, k);
                REQUIRE(static_cast<std::int64_t>(h.tokens.size()) == lengths[s]);
                Tokens prefix;
                for (std::size_t i = 0; i <= h.tokens.size(); ++i) {
                    const std::int32_t token = i < h.tokens.size() ? h.tokens[i] : kEos;
                    CHECK(h.token_log_probs[i] == Approx(log_probs(decoder, s, prefix, 1.0)[token]).margin(1e-5));
                    prefix.push_back(token);
                }
            }
        }
}

namespace {

class UniformDecoder : public HistoryDecoder {
public:
    UniformDecoder() : HistoryDecoder(1, 6, 4, 4) {}
    void row_logits(std::int64_t, std::span<const std::int32_t>, std::span<float> out) const override {
        std::fill(out.begin(), out.end(), 0.0f);
    }
};

}  // namespace

// Every candidate ties. Step 0 keeps tokens 3 and 4 (lower ids first). Step 1, EOS barred by min_length 2: the
// candidates (3, row 0), (3, row 1), (4, row 0)... keep [3 3] and [4 3]. Step 2 forces EOS.
TEST_CASE("ties go to lower token then lower row", "[search]") {
    UniformDecoder decoder;
    SearchOptions o;
    o.beam = 2;
    o.max_length_b = 2;
    o.min_length = 2;
    o.length_norm = LengthNorm::none;
    const std::int64_t lengths[] = {0};
    const SearchResult r = models::BeamSearch(o).run(decoder, lengths);
    REQUIRE(r.size(0) == 2);
    CHECK(tokens_of(r.at(0, 0)) == Tokens{3, 3});
    CHECK(tokens_of(r.at(0, 1)) == Tokens{4, 3});
    CHECK(r.at(0, 0).raw_score == Approx(3.0 * std::log(1.0 / 6.0)));
    CHECK(tokens_of(models::GreedySearch(o).run(decoder, lengths).best(0)) == Tokens{3, 3});
}

// EOS made likely: min_length holds it back (to empty hypotheses when 0), and the maximum length wins over it.
TEST_CASE("min and max length", "[search]") {
    const std::int64_t min_length = GENERATE(0, 1, 3, 6);
    SearchOptions o;
    o.beam = 3;
    o.min_length = min_length;
    o.max_length_b = 4;
    RandomDecoder decoder(41, 0, 2, 7, 6, 6, 6.0f);
    const std::int64_t lengths[] = {2, 5};
    const std::int64_t shortest = std::min<std::int64_t>(min_length, 4);
    const SearchResult beam = models::BeamSearch(o).run(decoder, lengths);
    // A source stops once `beam` hypotheses have ended: after the step where EOS is first allowed, or the one
    // after that when that step had a single row (min_length 0, step 0).
    CHECK(decoder.rows_per_step.size() == static_cast<std::size_t>(min_length == 0 ? 2 : shortest + 1));
    const SearchResult greedy = models::GreedySearch(o).run(decoder, lengths);
    CHECK(decoder.rows_per_step.size() == static_cast<std::size_t>(shortest + 1));
    for (std::int64_t s = 0; s < 2; ++s) {
        CHECK(beam.best(s).tokens.size() == static_cast<std::size_t>(shortest));
        CHECK(greedy.best(s).tokens.size() == static_cast<std::size_t>(shortest));
        for (std::int64_t k = 0; k < beam.size(s); ++k) {
            const auto n = static_cast<std::int64_t>(beam.at(s, k).tokens.size());
            CHECK((n >= shortest && n <= 4));
            for (std::int32_t token : beam.at(s, k).tokens) CHECK(token > kEos);  // never PAD, BOS or EOS
        }
    }
}

TEST_CASE("search options", "[search]") {
    CHECK(models::length_norm_from_name("gnmt") == LengthNorm::gnmt);
    CHECK(models::length_norm_from_name("none") == LengthNorm::none);
    CHECK(models::length_norm_from_name("fairseq") == LengthNorm::fairseq);
    CHECK_THROWS_WITH(models::length_norm_from_name("wu"), Catch::Contains("unknown length normalisation 'wu'"));
    SearchOptions o;
    o.max_length_a = 1.5;
    o.max_length_b = 3;
    CHECK(models::max_target_length(5, o) == 10);  // floor(7.5) + 3
    CHECK(models::normalised_score(-6.0f, 3, o) == -2.0f);
    o.beam = 0;
    CHECK_THROWS_WITH(models::BeamSearch(o), Catch::Contains("beam must be at least 1"));
    o.beam = 2;
    o.temperature = 0.0f;
    CHECK_THROWS_WITH(models::GreedySearch(o), Catch::Contains("temperature must be positive"));
    o.temperature = 1.0f;
    o.min_length = -1;
    CHECK_THROWS_WITH(models::BeamSearch(o), Catch::Contains("min_length"));
}

namespace {

// A decoder gone wrong: logits of the wrong shape, or a NaN in them.
class BrokenDecoder : public RandomDecoder {
public:
    explicit BrokenDecoder(bool nan) : RandomDecoder(3, 0, 2, 6, 4, 8), nan_(nan) {}
    void step(std::span<const std::int32_t> tokens, Tensor& logits) override {
        RandomDecoder::step(tokens, logits);
        if (nan_)
            logits.at(logits.numel() - 2) = std::nanf("");
        else
            logits = Tensor::zeros({logits.dim(0), 4});
    }

private:
    bool nan_;
};

}  // namespace

TEST_CASE("bad input is an lskd error", "[search]") {
    SearchOptions o;
    o.beam = 2;
    const std::int64_t two[] = {3, 4}, one[] = {3};
    RandomDecoder decoder(3, 0, 2, 6, 4, 8);
    CHECK_THROWS_MATCHES(models::BeamSearch(o).run(decoder, one), Error,
                         Catch::Message("beam search: 1 source lengths for a decoder of 2 sources"));
    CHECK_THROWS_WITH(models::GreedySearch(o).run(decoder, one), Catch::Contains("1 source lengths"));
    const std::int64_t negative[] = {3, -1};
    CHECK_THROWS_WITH(models::BeamSearch(o).run(decoder, negative), Catch::Contains("source length is negative"));
    BrokenDecoder shape(false), nan(true);
    CHECK_THROWS_WITH(models::BeamSearch(o).run(shape, two),
                      Catch::Contains("step 0: the decoder wrote logits [4, 4] where [4, 6]"));
    CHECK_THROWS_WITH(models::GreedySearch(o).run(nan, two), Catch::Contains("step 0: the decoder's logits of row 1"));
    CHECK_THROWS_WITH(models::BeamSearch(o).run(nan, two), Catch::Contains("NaN"));
}

// The second run of the same batch reuses every buffer of the search (and of this decoder): no allocation.
TEST_CASE("a repeated run allocates nothing", "[search]") {
    const std::int64_t lengths[] = {6, 2, 9, 4};
    SearchOptions o;
    o.beam = 4;
    o.max_length_a = 1.0;
    o.max_length_b = 3;
    RandomDecoder decoder(13, 0, 4, 40, 16, 14);
    models::BeamSearch beam(o);
    models::GreedySearch greedy(o);
    const Tokens first_beam = tokens_of(beam.run(decoder, lengths).best(2));
    const Tokens first_greedy = tokens_of(greedy.run(decoder, lengths).best(2));
    const testing::HeapCounts before = testing::heap_counts();
    const SearchResult& again_beam = beam.run(decoder, lengths);
    const testing::HeapCounts middle = testing::heap_counts();
    const SearchResult& again_greedy = greedy.run(decoder, lengths);
    const testing::HeapCounts after = testing::heap_counts();
    CHECK(middle.allocations == before.allocations);
    CHECK(after.allocations == middle.allocations);
    CHECK(tokens_of(again_beam.best(2)) == first_beam);
    CHECK(tokens_of(again_greedy.best(2)) == first_greedy);
}

namespace {

// The Transformer's full teacher-forced forward for one source and one history: the log-probabilities of the
// next token, independent of the step decoder's caches.
std::vector<double> transformer_log_probs(models::Transformer& model, std::span<const std::int32_t> source,
                                          const Tokens& history, double t) {
    NoGradGuard no_grad;
    Tokens input = {data::kBosId};
    input.insert(input.end(), history.begin(), history.end());
    const auto length = static_cast<std::int64_t>(input.size());
    const Tensor logits =
        model.forward_tokens({source, 1, static_cast<std::int64_t>(source.size())}, {input, 1, length}).logits.value();
    const std::int64_t vocab = logits.dim(1);
    return log_softmax({logits.data() + (length - 1) * vocab, static_cast<std::size_t>(vocab)}, t);
}

}  // namespace

// The step decoder of a tiny random Transformer (its key/value caches, its reorder) under a beam as wide as every
// hypothesis, two sources in one batch (one padded): each source's search equals exhaustive search over the full
// forward.
TEST_CASE("beam on a tiny Transformer is exhaustive", "[search]") {
    const float t = GENERATE(1.0f, 0.5f);
    Rng rng(3);
    models::Transformer model(rng, {1, 1, 16, 2, 32}, 8, 6, 0.0f, nn::Activation::relu, 5);
    model.eval();
    const std::int32_t ids[] = {4, 7, 5, 6, 4, data::kPadId};
    const std::int64_t max_length = 3, count = 3 + 9 + 27;
    models::TransformerStepDecoder decoder(model, {ids, 2, 3}, max_length + 1);
    SearchOptions o;
    o.beam = count;
    o.max_length_b = max_length;
    o.temperature = t;
    const std::int64_t lengths[] = {3, 2};
    const SearchResult r = models::BeamSearch(o).run(decoder, lengths);
    for (std::int64_t s = 0; s < 2; ++s) {
        const std::span<const std::int32_t> source(ids + 3 * s, static_cast<std::size_t>(lengths[s]));
        check_exhaustive([&](const Tokens& h) { return transformer_log_probs(model, source, h, t); }, 6, max_length,
                         o.length_norm, r, s);
    }
}

// The normalisers are split over threads by row, each row summed by one thread: the same bits at any count.
TEST_CASE("same bits at 1 and 2 threads", "[search]") {
    const std::int64_t lengths[] = {5, 2, 8};
    SearchOptions o;
    o.beam = 5;
    o.temperature = 0.9f;
    o.max_length_a = 1.0;
    o.max_length_b = 3;
    RandomDecoder decoder(71, 0, 3, 3000, 15, 13);
    const int threads_before = runtime::thread_info().threads;
    runtime::init_threads(1);
    const SearchResult one = models::BeamSearch(o).run(decoder, lengths);
    const SearchResult greedy_one = models::GreedySearch(o).run(decoder, lengths);
    runtime::init_threads(2);
    const SearchResult two = models::BeamSearch(o).run(decoder, lengths);
    const SearchResult greedy_two = models::GreedySearch(o).run(decoder, lengths);
    runtime::init_threads(threads_before);
    for (std::int64_t s = 0; s < 3; ++s) {
        check_same(one, s, two, s);
        check_same(greedy_one, s, greedy_two, s);
    }
}
