#include "analysis/g2p_scores.hpp"

#include <algorithm>

#include "analysis/edit_distance.hpp"
#include "framework/core/error.hpp"

namespace lskd::analysis {

G2pScores g2p_scores(const std::vector<Pronunciation>& hypotheses,
                     const std::vector<std::vector<Pronunciation>>& references) {
    if (hypotheses.size() != references.size())
        fail("g2p_scores: {} hypotheses but references for {} words", hypotheses.size(), references.size());
    if (hypotheses.empty()) fail("g2p_scores: no words");
    G2pScores out;
    for (std::size_t i = 0; i < hypotheses.size(); ++i) {
        if (references[i].empty()) fail("g2p_scores: word {} has no reference", i + 1);
        const Pronunciation& hyp = hypotheses[i];
        bool exact = false;
        std::int64_t best_distance = -1, best_length = 0;
        for (const Pronunciation& ref : references[i]) {
            exact = exact || ref == hyp;
            const std::int64_t d = edit_distance(std::span<const std::string>(hyp), std::span<const std::string>(ref));
            const auto length = static_cast<std::int64_t>(ref.size());
            if (best_distance < 0 || d < best_distance || (d == best_distance && length < best_length)) {
                best_distance = d;
                best_length = length;
            }
        }
        out.word_errors += exact ? 0 : 1;
        out.edits += best_distance;
        out.reference_symbols += best_length;
    }
    if (out.reference_symbols == 0) fail("g2p_scores: every closest reference is empty, PER is undefined");
    out.words = static_cast<std::int64_t>(hypotheses.size());
    out.wer = static_cast<double>(out.word_errors) / static_cast<double>(out.words);
    out.per = static_cast<double>(out.edits) / static_cast<double>(out.reference_symbols);
    return out;
}

}  // namespace lskd::analysis
