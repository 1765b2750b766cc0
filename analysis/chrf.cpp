#include "analysis/chrf.hpp"

#include <algorithm>
#include <unordered_map>

#include "analysis/python_text.hpp"
#include "framework/core/error.hpp"
#include "framework/core/utf8.hpp"

namespace lskd::analysis {
namespace {

using CharNgrams = std::unordered_map<std::u32string, std::int64_t>;

// Per order 1..max_order, the character n-grams of the segment (whitespace dropped unless kept).
std::vector<CharNgrams> char_ngrams(const std::string& segment, const ChrfOptions& options) {
    auto decoded = decode_utf8(segment);
    if (!decoded) fail("chrf: a segment is not valid UTF-8");
    if (options.lowercase) decoded = python_lower(*decoded);
    std::u32string text;
    if (options.keep_whitespace) {
        text = *decoded;
    } else {
        for (const char32_t c : *decoded)
            if (!is_python_space(c)) text.push_back(c);
    }
    std::vector<CharNgrams> out(static_cast<std::size_t>(options.char_order));
    for (std::size_t n = 1; n <= out.size(); ++n)
        for (std::size_t i = 0; i + n <= text.size(); ++i) ++out[n - 1][text.substr(i, n)];
    return out;
}

ChrfOrderCounts match_counts(const CharNgrams& hyp, const CharNgrams& ref) {
    ChrfOrderCounts c;
    for (const auto& [ngram, count] : ref) c.ref += count;
    for (const auto& [ngram, count] : hyp) {
        c.hyp += count;
        const auto hit = ref.find(ngram);
        if (hit != ref.end()) c.match += std::min(count, hit->second);
    }
    if (ref.empty()) c.hyp = 0;  // sacreBLEU does not count hypothesis n-grams an order of the reference lacks
    return c;
}

double f_beta(double precision, double recall, double factor) {
    return (1 + factor) * precision * recall / (factor * precision + recall);
}

}  // namespace

double chrf_from_counts(const std::vector<ChrfOrderCounts>& counts, const ChrfOptions& options) {
    constexpr double kEps = 1e-16;
    const double factor = options.beta * options.beta;
    double eps_sum = 0, avg_prec = 0, avg_rec = 0;
    int effective = 0;
    for (const ChrfOrderCounts& c : counts) {
        const double prec = c.hyp > 0 ? static_cast<double>(c.match) / static_cast<double>(c.hyp) : kEps;
        const double rec = c.ref > 0 ? static_cast<double>(c.match) / static_cast<double>(c.ref) : kEps;
        eps_sum += factor * prec + rec > 0 ? f_beta(prec, rec, factor) : kEps;
        if (c.hyp > 0 && c.ref > 0) {
            avg_prec += prec;
            avg_rec += rec;
            ++effective;
        }
    }
    if (options.eps_smoothing) return 100 * eps_sum / static_cast<double>(counts.size());
    if (effective == 0) return 0.0;
    avg_prec /= effective;
    avg_rec /= effective;
    return avg_prec + avg_rec > 0 ? 100 * f_beta(avg_prec, avg_rec, factor) : 0.0;
}

std::vector<ChrfOrderCounts> chrf_statistics(const std::string& hypothesis, const std::vector<std::string>& references,
                                             const ChrfOptions& options) {
    if (options.char_order < 1) fail("chrf: char_order must be at least 1, got {}", options.char_order);
    if (!(options.beta > 0)) fail("chrf: beta must be positive, got {}", options.beta);
    if (references.empty()) fail("chrf: a segment has no reference");
    const auto hyp = char_ngrams(hypothesis, options);
    std::vector<ChrfOrderCounts> best;
    double best_score = -1;
    for (const auto& reference : references) {
        const auto ref = char_ngrams(reference, options);
        std::vector<ChrfOrderCounts> counts;
        for (std::size_t n = 0; n < hyp.size(); ++n) counts.push_back(match_counts(hyp[n], ref[n]));
        const double score = chrf_from_counts(counts, options);
        if (score > best_score) {
            best_score = score;
            best = std::move(counts);
        }
    }
    return best;
}

ChrfScore corpus_chrf(const std::vector<std::string>& hypotheses,
                      const std::vector<std::vector<std::string>>& references, const ChrfOptions& options) {
    if (references.empty()) fail("chrf: no reference set");
    for (std::size_t r = 0; r < references.size(); ++r)
        if (references[r].size() != hypotheses.size())
            fail("chrf: reference set {} has {} segments, the hypotheses {}", r + 1, references[r].size(),
                 hypotheses.size());
    ChrfScore out;
    out.counts.resize(static_cast<std::size_t>(std::max(options.char_order, 0)));
    std::vector<std::string> refs(references.size());
    for (std::size_t i = 0; i < hypotheses.size(); ++i) {
        for (std::size_t r = 0; r < references.size(); ++r) refs[r] = references[r][i];
        const auto counts = chrf_statistics(hypotheses[i], refs, options);
        for (std::size_t n = 0; n < counts.size(); ++n) {
            out.counts[n].hyp += counts[n].hyp;
            out.counts[n].ref += counts[n].ref;
            out.counts[n].match += counts[n].match;
        }
    }
    out.score = chrf_from_counts(out.counts, options);
    return out;
}

}  // namespace lskd::analysis
