#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "framework/data/char_vocabulary.hpp"
#include "framework/data/encoded_corpus.hpp"
#include "framework/data/symbol_vocabulary.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

TEST_CASE("encoded corpus takes the first reference", "[data][encoded_corpus]") {
    ParallelCorpus c;
    c.origin = "g2p";
    c.examples = {{"lead", {"l eh d", "l iy d"}}, {"a", {"ax", "ey"}}};
    CHECK(source_texts(c) == std::vector<std::string>{"lead", "a"});
    CHECK(target_texts(c) == std::vector<std::string>{"l eh d", "ax"});
    const CharVocabulary letters = CharVocabulary::build(source_texts(c));     // a d e l → 4..7
    const SymbolVocabulary phones = SymbolVocabulary::build(target_texts(c));  // ax d eh l → 4..7, iy unknown
    const std::vector<EncodedExample> e = encode_corpus(c, letters, phones);
    REQUIRE(e.size() == 2);
    CHECK(e[0].source == std::vector<std::int32_t>{7, 6, 4, 5});
    CHECK(e[0].target == std::vector<std::int32_t>{7, 6, 5});
    CHECK(e[1].source == std::vector<std::int32_t>{4});
    CHECK(e[1].target == std::vector<std::int32_t>{4});
    c.examples[1].references.clear();
    CHECK_THAT(error_message([&] { target_texts(c); }), Contains("g2p: example 2 ('a') has no reference"));
}
