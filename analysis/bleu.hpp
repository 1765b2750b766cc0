// Corpus BLEU exactly as sacreBLEU 2.x computes it (metrics/bleu.py): clipped n-gram matches summed over the
// corpus, several references per segment (an n-gram may match up to its largest count in any one reference),
// the closest reference length with ties to the shorter, the brevity penalty, and its smoothing methods
// (default `exp`, mteval's: the k-th order without a match gets precision 100 / (2^k · total)). Scores in [0, 100].
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace lskd::analysis {

enum class BleuTokenize { thirteen_a, none };  // `none`: split on whitespace only
enum class BleuSmoothing { none, floor, add_k, exp };

struct BleuOptions {
    BleuTokenize tokenize = BleuTokenize::thirteen_a;
    BleuSmoothing smoothing = BleuSmoothing::exp;
    double smooth_value = -1;  // < 0: sacreBLEU's default for the method (floor 0.1, add-k 1)
    int max_order = 4;
    bool effective_order = false;  // average only over the orders with n-grams (sentence-level use)
    bool lowercase = false;        // sacreBLEU's -lc, Python's str.lower() (analysis/python_text.hpp)
};

// The sufficient statistics of a segment or, summed, of a corpus.
struct BleuStatistics {
    std::int64_t sys_len = 0;
    std::int64_t ref_len = 0;
    std::vector<double> counts;  // matches per order 1..max_order (double: add-k adds fractions)
    std::vector<double> totals;  // hypothesis n-grams per order
    BleuStatistics& operator+=(const BleuStatistics& other);
};

struct BleuScore {
    double score = 0;
    std::vector<double> counts;
    std::vector<double> totals;
    std::vector<double> precisions;  // percentages
    double bp = 0;
    std::int64_t sys_len = 0;
    std::int64_t ref_len = 0;
    double ratio = 0;  // sys_len / ref_len, 0 without reference words
};

// sacreBLEU's BLEU.compute_bleu on statistics (its default smoothing there is `none`, unlike corpus BLEU's).
BleuScore compute_bleu(BleuStatistics statistics, const BleuOptions& options);

// One UTF-8 segment against its references (an empty reference is an empty segment, as in sacreBLEU).
BleuStatistics bleu_statistics(const std::string& hypothesis, const std::vector<std::string>& references,
                               const BleuOptions& options = {});

// references[r][i] is the r-th reference of segment i (sacreBLEU's layout: one list per reference set).
BleuScore corpus_bleu(const std::vector<std::string>& hypotheses,
                      const std::vector<std::vector<std::string>>& references, const BleuOptions& options = {});

}  // namespace lskd::analysis
