// libFuzzer harness of lskd score's path: the input is a text file read as one segment per line, then scored
// against itself reversed with BLEU (13a), chrF (lowercased) and the G2P scores; every input must end in scores or
// lskd::Error, never a crash, a leak or undefined behaviour.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "analysis/bleu.hpp"
#include "analysis/chrf.hpp"
#include "analysis/g2p_scores.hpp"
#include "analysis/python_text.hpp"
#include "framework/core/error.hpp"
#include "framework/core/utf8.hpp"
#include "framework/data/segment_lines.hpp"

namespace {

lskd::analysis::Pronunciation symbols_of(const std::string& line) {
    lskd::analysis::Pronunciation out;
    for (const auto& w : lskd::analysis::split_python_words(*lskd::decode_utf8(line)))
        out.push_back(lskd::encode_utf8(w));
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const std::vector<std::string> hyps = lskd::data::utf8_lines(std::span(data, size), "fuzz.txt");
        const std::vector<std::string> refs(hyps.rbegin(), hyps.rend());
        lskd::analysis::corpus_bleu(hyps, {refs});
        lskd::analysis::ChrfOptions lowercase;
        lowercase.lowercase = true;
        lskd::analysis::corpus_chrf(hyps, {refs, hyps}, lowercase);
        std::vector<lskd::analysis::Pronunciation> words;
        std::vector<std::vector<lskd::analysis::Pronunciation>> prons;
        for (std::size_t i = 0; i < hyps.size(); ++i) {
            words.push_back(symbols_of(hyps[i]));
            prons.push_back({symbols_of(refs[i])});
        }
        lskd::analysis::g2p_scores(words, prons);
    } catch (const lskd::Error&) {
    }
    return 0;
}
