#include "distill/sequence_decoding.hpp"

#include <algorithm>
#include <sstream>

#include "analysis/bleu.hpp"
#include "analysis/chrf.hpp"
#include "analysis/g2p_scores.hpp"
#include "distill/token_evaluation.hpp"
#include "framework/autograd/node.hpp"
#include "framework/data/token_batches.hpp"
#include "framework/layers/eval_scope.hpp"
#include "models/beam_search.hpp"
#include "models/greedy_search.hpp"
#include "models/transformer_step_decoder.hpp"

namespace lskd::distill {
namespace {

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

// Hypotheses and references in sacreBLEU's layout: references[r][i], the r-th reference of segment i, with "" where a
// segment has fewer references (sacreBLEU's empty segment).
std::vector<std::vector<std::string>> reference_sets(const data::ParallelCorpus& split) {
    std::size_t most = 0;
    for (const auto& e : split.examples) most = std::max(most, e.references.size());
    std::vector<std::vector<std::string>> sets(most, std::vector<std::string>(split.examples.size()));
    for (std::size_t i = 0; i < split.examples.size(); ++i)
        for (std::size_t r = 0; r < split.examples[i].references.size(); ++r)
            sets[r][i] = split.examples[i].references[r];
    return sets;
}

}  // namespace

std::vector<std::vector<std::int32_t>> decode_examples(models::Transformer& model,
                                                       const std::vector<data::EncodedExample>& examples,
                                                       const models::SearchOptions& options) {
    const nn::EvalScope eval(model);
    data::TokenBatcher batcher = evaluation_batches(examples);
    models::BeamSearch beam(options);
    models::GreedySearch greedy(options);
    std::vector<std::vector<std::int32_t>> out(examples.size());
    std::vector<std::int64_t> lengths;
    data::TokenBatch b;
    while (batcher.next(b)) {
        lengths.assign(b.source_lengths.begin(), b.source_lengths.begin() + b.rows);
        for (auto& l : lengths) l -= 1;  // EOS is not part of the source's length
        const std::int64_t longest = *std::max_element(lengths.begin(), lengths.end());
        // BOS, the most target tokens the search allows, and the forced EOS.
        models::TransformerStepDecoder decoder(model, {b.source, b.rows, b.source_length},
                                               models::max_target_length(longest, options) + 2);
        const models::SearchResult& r = options.beam == 1 ? greedy.run(decoder, lengths) : beam.run(decoder, lengths);
        for (std::int64_t s = 0; s < b.rows; ++s) {
            const auto index = static_cast<std::size_t>(b.indices[static_cast<std::size_t>(s)]);
            if (r.size(s) > 0) out[index].assign(r.best(s).tokens.begin(), r.best(s).tokens.end());
        }
    }
    return out;
}

bool scored_as_g2p(const std::string& dataset) { return dataset == "cmudict"; }

std::map<std::string, double> score_decodes(const std::string& dataset,
                                            const std::vector<std::vector<std::int32_t>>& hypotheses,
                                            const data::ParallelCorpus& split, const data::Vocabulary& target) {
    std::vector<std::string> texts;
    for (const auto& h : hypotheses) texts.push_back(target.decode(h));
    return score_texts(dataset, texts, split);
}

std::map<std::string, double> score_texts(const std::string& dataset, const std::vector<std::string>& texts,
                                          const data::ParallelCorpus& split) {
    if (!scored_as_g2p(dataset)) {
        const auto refs = reference_sets(split);
        return {{"bleu", analysis::corpus_bleu(texts, refs).score}, {"chrf", analysis::corpus_chrf(texts, refs).score}};
    }
    std::vector<analysis::Pronunciation> hyps;
    std::vector<std::vector<analysis::Pronunciation>> refs;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        hyps.push_back(words(texts[i]));
        refs.emplace_back();
        for (const auto& r : split.examples[i].references) refs.back().push_back(words(r));
    }
    const analysis::G2pScores s = analysis::g2p_scores(hyps, refs);
    return {{"wer", s.wer}, {"per", s.per}};
}

}  // namespace lskd::distill
