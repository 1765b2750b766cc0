// chrF exactly as sacreBLEU 2.x computes it (metrics/chrf.py, word order 0): character n-grams of orders
// 1..char_order (Unicode code points, whitespace removed by default); per segment the reference with the best
// sentence-level score is kept; the hypothesis, reference and match counts per order are summed over the corpus,
// and the score (in [0, 100]) comes from those sums.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace lskd::analysis {

struct ChrfOptions {
    int char_order = 6;
    double beta = 2;               // recall weighs beta times as much as precision
    bool keep_whitespace = false;  // sacreBLEU's `whitespace`
    bool lowercase = false;        // Python's str.lower() first (analysis/python_text.hpp)
    // false (sacreBLEU's default): precision and recall are averaged over the orders with both hypothesis and
    // reference n-grams, then combined. true: per-order F scores with 1e-16 for empty terms, averaged over all
    // orders (chrF++.py, NLTK, Moses).
    bool eps_smoothing = false;
};

struct ChrfOrderCounts {
    std::int64_t hyp = 0;  // 0 when the reference has no n-gram of this order, as sacreBLEU counts
    std::int64_t ref = 0;
    std::int64_t match = 0;
};

struct ChrfScore {
    double score = 0;
    std::vector<ChrfOrderCounts> counts;  // per order, summed over the corpus
};

double chrf_from_counts(const std::vector<ChrfOrderCounts>& counts, const ChrfOptions& options);

// One UTF-8 segment against its references: the counts of the best-scoring reference (the first on ties).
std::vector<ChrfOrderCounts> chrf_statistics(const std::string& hypothesis, const std::vector<std::string>& references,
                                             const ChrfOptions& options = {});

// references[r][i] is the r-th reference of segment i, as for corpus_bleu.
ChrfScore corpus_chrf(const std::vector<std::string>& hypotheses,
                      const std::vector<std::vector<std::string>>& references, const ChrfOptions& options = {});

}  // namespace lskd::analysis
