// lskd score --metric bleu|chrf|wer|per HYP REF...: scores a file of hypotheses, one segment per line, against one
// or more reference files of the same length (sacreBLEU's convention: each file is one reference set). BLEU and chrF
// are sacreBLEU 2.x's defaults and print as sacreBLEU's text output; WER and PER read space-separated symbols, and an
// empty reference line means that file has no reference for that word (homographs have several, most words one).
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analysis/bleu.hpp"
#include "analysis/chrf.hpp"
#include "analysis/g2p_scores.hpp"
#include "analysis/python_text.hpp"
#include "framework/core/error.hpp"
#include "framework/core/utf8.hpp"
#include "framework/data/segment_lines.hpp"
#include "tools/lskd/command.hpp"

namespace lskd::cli {
namespace {

struct ScoreFlags {
    std::string metric = "bleu", hyp_path, tokenize = "13a";
    std::vector<std::string> ref_paths;
    bool json = false, lowercase = false;
};

struct Segments {
    std::vector<std::string> hyps;
    std::vector<std::vector<std::string>> refs;  // refs[r][i]: file r, line i
};

Segments read_segments(const ScoreFlags& f) {
    Segments s;
    s.hyps = data::read_utf8_lines(f.hyp_path);
    for (const std::string& path : f.ref_paths) {
        s.refs.push_back(data::read_utf8_lines(path));
        const std::size_t n = s.refs.back().size();
        if (n != s.hyps.size())
            fail("{}: {} lines, but {} has {}: line {} has no counterpart", path, n, f.hyp_path, s.hyps.size(),
                 std::min(n, s.hyps.size()) + 1);
    }
    return s;
}

int print_bleu(const Segments& s, const ScoreFlags& f) {
    analysis::BleuOptions options;
    options.tokenize = f.tokenize == "none" ? analysis::BleuTokenize::none : analysis::BleuTokenize::thirteen_a;
    options.lowercase = f.lowercase;
    const analysis::BleuScore b = analysis::corpus_bleu(s.hyps, s.refs, options);
    std::string precisions;
    for (const double p : b.precisions) precisions += fmt::format("{}{:.1f}", precisions.empty() ? "" : "/", p);
    const std::string verbose = fmt::format("{} (BP = {:.3f} ratio = {:.3f} hyp_len = {} ref_len = {})", precisions,
                                            b.bp, b.ratio, b.sys_len, b.ref_len);
    if (!f.json) {
        fmt::print("BLEU = {:.2f} {}\n", b.score, verbose);
        return 0;
    }
    std::map<std::string, double> numbers{{"score", b.score},
                                          {"bp", b.bp},
                                          {"ratio", b.ratio},
                                          {"hyp_len", static_cast<double>(b.sys_len)},
                                          {"ref_len", static_cast<double>(b.ref_len)}};
    for (std::size_t n = 0; n < b.precisions.size(); ++n) {
        numbers[fmt::format("precision_{}", n + 1)] = b.precisions[n];
        numbers[fmt::format("counts_{}", n + 1)] = b.counts[n];
        numbers[fmt::format("totals_{}", n + 1)] = b.totals[n];
    }
    fmt::print("{}\n", json_line(numbers, {{"name", "BLEU"},
                                           {"tokenize", f.tokenize},
                                           {"case", f.lowercase ? "lc" : "mixed"},
                                           {"verbose_score", verbose}}));
    return 0;
}

int print_chrf(const Segments& s, const ScoreFlags& f) {
    analysis::ChrfOptions options;
    options.lowercase = f.lowercase;
    const analysis::ChrfScore c = analysis::corpus_chrf(s.hyps, s.refs, options);
    const std::string name = fmt::format("chrF{}", options.beta);
    if (f.json)
        fmt::print("{}\n", json_line({{"score", c.score},
                                      {"beta", options.beta},
                                      {"char_order", static_cast<double>(options.char_order)}},
                                     {{"name", name}, {"case", f.lowercase ? "lc" : "mixed"}}));
    else
        fmt::print("{} = {:.2f}\n", name, c.score);
    return 0;
}

analysis::Pronunciation symbols_of(const std::string& line) {
    analysis::Pronunciation out;
    for (const auto& word : analysis::split_python_words(*decode_utf8(line))) out.push_back(encode_utf8(word));
    return out;
}

// Per word, the non-empty reference lines of every file; a word with none is an error naming its line.
std::vector<std::vector<analysis::Pronunciation>> word_references(const Segments& s, const ScoreFlags& f) {
    std::vector<std::vector<analysis::Pronunciation>> refs(s.hyps.size());
    for (std::size_t i = 0; i < s.hyps.size(); ++i) {
        for (const auto& file : s.refs) {
            analysis::Pronunciation p = symbols_of(file[i]);
            if (!p.empty()) refs[i].push_back(std::move(p));
        }
        if (refs[i].empty())
            fail("{}: line {}: every reference file has an empty line {} ({})", f.hyp_path, i + 1, i + 1,
                 fmt::join(f.ref_paths, ", "));
    }
    return refs;
}

int print_g2p(const Segments& s, const ScoreFlags& f) {
    std::vector<analysis::Pronunciation> hyps;
    for (const std::string& line : s.hyps) hyps.push_back(symbols_of(line));
    const analysis::G2pScores g = analysis::g2p_scores(hyps, word_references(s, f));
    const bool wer = f.metric == "wer";
    const std::string name = wer ? "WER" : "PER";
    const double score = 100 * (wer ? g.wer : g.per);
    if (f.json)
        fmt::print("{}\n", json_line({{"score", score},
                                      {"words", static_cast<double>(g.words)},
                                      {"word_errors", static_cast<double>(g.word_errors)},
                                      {"edits", static_cast<double>(g.edits)},
                                      {"ref_len", static_cast<double>(g.reference_symbols)}},
                                     {{"name", name}}));
    else if (wer)
        fmt::print("WER = {:.2f} (word_errors = {} words = {})\n", score, g.word_errors, g.words);
    else
        fmt::print("PER = {:.2f} (edits = {} ref_len = {})\n", score, g.edits, g.reference_symbols);
    return 0;
}

}  // namespace

Runner add_score_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("score", "score hypotheses against references: BLEU, chrF2, WER or PER");
    auto f = std::make_shared<ScoreFlags>();
    cmd->add_option("--metric", f->metric, "bleu and chrf as sacreBLEU 2.x; wer and per on space-separated symbols")
        ->check(CLI::IsMember({"bleu", "chrf", "wer", "per"}))
        ->capture_default_str();
    cmd->add_option("--tokenize", f->tokenize, "BLEU's tokenizer")
        ->check(CLI::IsMember({"13a", "none"}))
        ->capture_default_str();
    cmd->add_flag("--lowercase,--lc", f->lowercase, "BLEU and chrF: lowercase both sides first (uncased BLEU)");
    cmd->add_flag("--json", f->json, "print one JSON line");
    cmd->add_option("hyp", f->hyp_path, "hypotheses, one segment per line (UTF-8)")->required();
    cmd->add_option("refs", f->ref_paths, "reference files, each one reference per line, as many lines as HYP")
        ->required();
    return [f] {
        require_one_process("score");
        const Segments s = read_segments(*f);
        if (f->metric == "bleu") return print_bleu(s, *f);
        if (f->metric == "chrf") return print_chrf(s, *f);
        return print_g2p(s, *f);
    };
}

}  // namespace lskd::cli
