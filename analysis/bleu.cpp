#include "analysis/bleu.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

#include "analysis/bleu_tokenizer.hpp"
#include "analysis/python_text.hpp"
#include "framework/core/error.hpp"
#include "framework/core/utf8.hpp"

namespace lskd::analysis {
namespace {

using NgramCounts = std::unordered_map<std::u32string, std::int64_t>;

// n-grams of orders 1..max_order keyed by their tokens joined with spaces (tokens hold no whitespace).
NgramCounts ngrams_of(const std::vector<std::u32string>& tokens, int max_order) {
    NgramCounts counts;
    for (std::size_t n = 1; n <= static_cast<std::size_t>(max_order); ++n) {
        for (std::size_t i = 0; i + n <= tokens.size(); ++i) {
            std::u32string key = tokens[i];
            for (std::size_t k = 1; k < n; ++k) key.append(U" ").append(tokens[i + k]);
            ++counts[key];
        }
    }
    return counts;
}

std::size_t order_of(const std::u32string& key) {
    std::size_t spaces = 0;
    for (const char32_t c : key) spaces += c == U' ' ? 1 : 0;
    return spaces;  // 0-based
}

// sacreBLEU lowercases (if asked) and rstrips each segment, then tokenizes.
std::vector<std::u32string> tokens_of(const std::string& segment, const BleuOptions& options) {
    auto decoded = decode_utf8(segment);
    if (!decoded) fail("bleu: a segment is not valid UTF-8");
    if (options.lowercase) decoded = python_lower(*decoded);
    const std::u32string_view text = strip_python_trailing(*decoded);
    return options.tokenize == BleuTokenize::thirteen_a ? tokenize_13a(text) : split_python_words(text);
}

// The reference length closest to the hypothesis length; on a tie, the shorter.
std::int64_t closest_ref_len(std::int64_t hyp_len, const std::vector<std::int64_t>& ref_lens) {
    std::int64_t best = -1, best_diff = -1;
    for (const std::int64_t len : ref_lens) {
        const std::int64_t diff = std::llabs(hyp_len - len);
        if (best_diff < 0 || diff < best_diff || (diff == best_diff && len < best)) {
            best_diff = diff;
            best = len;
        }
    }
    return best;
}

double default_smooth_value(BleuSmoothing smoothing) {
    if (smoothing == BleuSmoothing::floor) return 0.1;
    if (smoothing == BleuSmoothing::add_k) return 1.0;
    return 0.0;
}

// sacreBLEU's my_log: log 0 is floored to −9999999999, so a zero precision makes the score 0 (not NaN).
double floored_log(double x) { return x == 0.0 ? -9999999999.0 : std::log(x); }

}  // namespace

BleuStatistics& BleuStatistics::operator+=(const BleuStatistics& other) {
    if (counts.empty()) {
        counts.assign(other.counts.size(), 0.0);
        totals.assign(other.totals.size(), 0.0);
    }
    if (other.counts.size() != counts.size()) fail("bleu: adding statistics of different maximum orders");
    sys_len += other.sys_len;
    ref_len += other.ref_len;
    for (std::size_t n = 0; n < counts.size(); ++n) {
        counts[n] += other.counts[n];
        totals[n] += other.totals[n];
    }
    return *this;
}

BleuScore compute_bleu(BleuStatistics s, const BleuOptions& options) {
    const auto orders = static_cast<std::size_t>(options.max_order);
    if (options.max_order < 1 || s.counts.size() != orders || s.totals.size() != orders)
        fail("bleu: statistics for {} orders, expected {}", s.counts.size(), options.max_order);
    const double smooth = options.smooth_value < 0 ? default_smooth_value(options.smoothing) : options.smooth_value;
    BleuScore out;
    out.sys_len = s.sys_len;
    out.ref_len = s.ref_len;
    out.ratio = s.ref_len > 0 ? static_cast<double>(s.sys_len) / static_cast<double>(s.ref_len) : 0.0;
    out.bp = 1.0;
    if (s.sys_len < s.ref_len)
        out.bp = s.sys_len > 0 ? std::exp(1.0 - static_cast<double>(s.ref_len) / static_cast<double>(s.sys_len)) : 0.0;
    out.precisions.assign(orders, 0.0);
    bool any_match = false;
    for (const double c : s.counts) any_match = any_match || c != 0.0;
    if (any_match) {
        double mteval = 1.0;
        std::size_t effective = orders;
        for (std::size_t n = 0; n < orders; ++n) {
            if (options.smoothing == BleuSmoothing::add_k && n > 0) {
                s.counts[n] += smooth;
                s.totals[n] += smooth;
            }
            if (s.totals[n] == 0.0) break;
            if (options.effective_order) effective = n + 1;
            if (s.counts[n] == 0.0) {
                if (options.smoothing == BleuSmoothing::exp) {
                    mteval *= 2;
                    out.precisions[n] = 100.0 / (mteval * s.totals[n]);
                } else if (options.smoothing == BleuSmoothing::floor) {
                    out.precisions[n] = 100.0 * smooth / s.totals[n];
                }
            } else {
                out.precisions[n] = 100.0 * s.counts[n] / s.totals[n];
            }
        }
        double log_sum = 0;
        for (std::size_t n = 0; n < effective; ++n) log_sum += floored_log(out.precisions[n]);
        out.score = out.bp * std::exp(log_sum / static_cast<double>(effective));
    }
    out.counts = std::move(s.counts);
    out.totals = std::move(s.totals);
    return out;
}

BleuStatistics bleu_statistics(const std::string& hypothesis, const std::vector<std::string>& references,
                               const BleuOptions& options) {
    if (options.max_order < 1) fail("bleu: max_order must be at least 1, got {}", options.max_order);
    if (references.empty()) fail("bleu: a segment has no reference");
    NgramCounts ref_max;
    std::vector<std::int64_t> ref_lens;
    for (const auto& reference : references) {
        const auto tokens = tokens_of(reference, options);
        ref_lens.push_back(static_cast<std::int64_t>(tokens.size()));
        for (const auto& [ngram, count] : ngrams_of(tokens, options.max_order)) {
            auto& best = ref_max[ngram];
            best = std::max(best, count);
        }
    }
    const auto hyp_tokens = tokens_of(hypothesis, options);
    BleuStatistics s;
    s.sys_len = static_cast<std::int64_t>(hyp_tokens.size());
    s.ref_len = closest_ref_len(s.sys_len, ref_lens);
    s.counts.assign(static_cast<std::size_t>(options.max_order), 0.0);
    s.totals.assign(static_cast<std::size_t>(options.max_order), 0.0);
    for (const auto& [ngram, count] : ngrams_of(hyp_tokens, options.max_order)) {
        const std::size_t n = order_of(ngram);
        s.totals[n] += static_cast<double>(count);
        const auto hit = ref_max.find(ngram);
        if (hit != ref_max.end()) s.counts[n] += static_cast<double>(std::min(count, hit->second));
    }
    return s;
}

BleuScore corpus_bleu(const std::vector<std::string>& hypotheses,
                      const std::vector<std::vector<std::string>>& references, const BleuOptions& options) {
    if (references.empty()) fail("bleu: no reference set");
    for (std::size_t r = 0; r < references.size(); ++r)
        if (references[r].size() != hypotheses.size())
            fail("bleu: reference set {} has {} segments, the hypotheses {}", r + 1, references[r].size(),
                 hypotheses.size());
    BleuStatistics sum;
    sum.counts.assign(static_cast<std::size_t>(std::max(options.max_order, 0)), 0.0);
    sum.totals = sum.counts;
    std::vector<std::string> refs(references.size());
    for (std::size_t i = 0; i < hypotheses.size(); ++i) {
        for (std::size_t r = 0; r < references.size(); ++r) refs[r] = references[r][i];
        sum += bleu_statistics(hypotheses[i], refs, options);
    }
    return compute_bleu(std::move(sum), options);
}

}  // namespace lskd::analysis
