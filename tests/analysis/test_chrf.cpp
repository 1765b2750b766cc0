// chrF against sacreBLEU's own vectors: test/test_chrf.py (beta 3) and the README example (chrF2) of
// mjpost/sacrebleu 2.x.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/chrf.hpp"
#include "framework/core/error.hpp"

using namespace lskd::analysis;
using Catch::Matchers::WithinAbs;

namespace {

struct Case {
    std::vector<std::string> hyps;
    std::vector<std::string> refs;
    double expected;
};

ChrfOptions beta3(bool eps_smoothing, bool keep_whitespace = false) {
    ChrfOptions o;
    o.beta = 3;
    o.eps_smoothing = eps_smoothing;
    o.keep_whitespace = keep_whitespace;
    return o;
}

void check_cases(const std::vector<Case>& cases, const ChrfOptions& options) {
    for (const Case& c : cases) {
        INFO(c.hyps[0] << " | " << c.refs[0]);
        CHECK_THAT(corpus_chrf(c.hyps, {c.refs}, options).score, WithinAbs(c.expected, 1e-4));
    }
}

}  // namespace

TEST_CASE("chrf README example", "[analysis][chrf]") {
    const std::vector<std::string> hyps{"The dog bit the man.", "It wasn't surprising.",
                                        "The man had just bitten him."};
    const std::vector<std::vector<std::string>> refs{
        {"The dog bit the man.", "It was not unexpected.", "The man bit him first."},
        {"The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."}};
    CHECK_THAT(corpus_chrf(hyps, refs).score, WithinAbs(59.7275, 1e-4));
}

TEST_CASE("chrf epsilon smoothing cases", "[analysis][chrf]") {
    check_cases({{{"abcdefg"}, {"hijklmnop"}, 0.0},
                 {{"a"}, {"b"}, 0.0},
                 {{""}, {"b"}, 0.0},
                 {{""}, {"ref"}, 0.0},
                 {{""}, {"reference"}, 0.0},
                 {{"aa"}, {"ab"}, 8.3333},
                 {{"a", "b"}, {"a", "c"}, 8.3333},
                 {{"a"}, {"a"}, 16.6667},
                 {{"a b c"}, {"a b c"}, 50.0},
                 {{"a b c"}, {"abc"}, 50.0},
                 {{" risk assessment must be made of those who are qualified and expertise in the sector - these are "
                   "the scientists ."},
                  {"risk assessment has to be undertaken by those who are qualified and expert in that area - that is "
                   "the scientists ."},
                  63.361730},
                 {{" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "},
                  {"Das Verh\u00e4ltnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."},
                  64.1302698},
                 {{"Niemand hat die Absicht, eine Mauer zu errichten"},
                  {"Niemand hat die Absicht, eine Mauer zu errichten"},
                  100.0}},
                beta3(true));
}

TEST_CASE("chrf effective order cases", "[analysis][chrf]") {
    check_cases({{{"a"}, {"a"}, 100.0},
                 {{""}, {"reference"}, 0.0},
                 {{"a b c"}, {"a b c"}, 100.0},
                 {{"a b c"}, {"abc"}, 100.0},
                 {{""}, {"c"}, 0.0},
                 {{"a", "b"}, {"a", "c"}, 50.0},
                 {{"aa"}, {"ab"}, 25.0}},
                beta3(false));
}

TEST_CASE("chrf keep whitespace cases", "[analysis][chrf]") {
    check_cases({{{"Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich."},
                  {"Das Verh\u00e4ltnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."},
                  67.3481606},
                 {{"risk assessment must be made of those who are qualified and expertise in the sector - these are "
                   "the scientists ."},
                  {"risk assessment has to be undertaken by those who are qualified and expert in that area - that is "
                   "the scientists ."},
                  65.2414427}},
                beta3(false, true));
}

TEST_CASE("chrf sentence level cases", "[analysis][chrf]") {
    // sentence_chrf with eps_smoothing and the default beta 2.
    ChrfOptions o;
    o.eps_smoothing = true;
    check_cases(
        {{{"Co n\u00e1s nejv\u00edc tr\u00e1p\u00ed, proto\u017ee l\u00e9ka\u0159i si vyb\u00edraj\u00ed, kdo "
           "bude \u017e\u00edt a kdo zem\u0159e."},
          {"Nejv\u00edce smutn\u00ed jsme z toho, \u017ee mus\u00edme rozhodovat o tom, kdo bude \u017e\u00edt a "
           "kdo zem\u0159e."},
          39.14078509},
         {{"Nebo prost\u011b nemaj\u00ed vybaven\u00ed, kter\u00e9 by jim pomohlo, uvedli l\u00e9ka\u0159i."},
          {"A n\u011bkdy nem\u00e1me ani pot\u0159ebn\u00fd materi\u00e1l, abychom jim pomohli, popsali "
           "l\u00e9ka\u0159i."},
          31.22557079},
         {{"Lapali po dechu, jejich \u017eivoty skon\u010dily d\u0159\u00edv, ne\u017e skute\u010dn\u011b "
           "za\u010daly."},
          {"Lapali po dechu a pak jejich \u017eivot skon\u010dil - d\u0159\u00edv, ne\u017e skute\u010dn\u011b "
           "mohl za\u010d\u00edt, p\u0159ipomn\u011bli."},
          57.15704367}},
        o);
}

TEST_CASE("chrf hand worked counts", "[analysis][chrf]") {
    // "ab" against "abc" at order 2: unigrams 2 of 2 hyp, 2 of 3 ref; bigrams 1 of 1 hyp, 1 of 2 ref.
    ChrfOptions o;
    o.char_order = 2;
    const ChrfScore s = corpus_chrf({"a b"}, {{"abc"}}, o);
    CHECK(s.counts[0].hyp == 2);
    CHECK(s.counts[0].ref == 3);
    CHECK(s.counts[0].match == 2);
    CHECK(s.counts[1].match == 1);
    const double p = 1.0, r = (2.0 / 3 + 1.0 / 2) / 2;
    CHECK_THAT(s.score, WithinAbs(100 * 5 * p * r / (4 * p + r), 1e-12));
}

TEST_CASE("chrf keeps the best reference per segment", "[analysis][chrf]") {
    const ChrfScore s = corpus_chrf({"abc"}, {{"xyz"}, {"abc"}});
    CHECK_THAT(s.score, WithinAbs(100.0, 1e-12));
}

TEST_CASE("chrf refuses bad input", "[analysis][chrf]") {
    CHECK_THROWS_AS(corpus_chrf({"a"}, {{"a", "b"}}), lskd::Error);
    CHECK_THROWS_AS(corpus_chrf({"a\xc3"}, {{"a"}}), lskd::Error);
}

TEST_CASE("chrf lowercase", "[analysis][chrf]") {
    ChrfOptions lc;
    lc.lowercase = true;
    CHECK_THAT(corpus_chrf({"\u00c4BC"}, {{"\u00e4bc"}}, lc).score, WithinAbs(100.0, 1e-12));
    CHECK(corpus_chrf({"\u00c4BC"}, {{"\u00e4bc"}}).score == 0.0);
}
