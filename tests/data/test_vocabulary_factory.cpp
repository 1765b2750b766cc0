#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "framework/data/char_vocabulary.hpp"
#include "framework/data/symbol_vocabulary.hpp"
#include "framework/data/vocabulary_factory.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

TEST_CASE("vocabulary factory rebuilds each kind", "[data][vocabulary_factory]") {
    const std::vector<std::string> texts{"l iy d", "ax"};
    const SymbolVocabulary symbols = SymbolVocabulary::build(texts);
    const CharVocabulary chars = CharVocabulary::build(texts);
    for (const Vocabulary* v : std::initializer_list<const Vocabulary*>{&symbols, &chars}) {
        const auto back = make_vocabulary(v->kind(), v->serialize());
        CHECK(back->kind() == v->kind());
        CHECK(back->size() == v->size());
        CHECK(back->serialize() == v->serialize());
        CHECK(back->encode("l iy ax") == v->encode("l iy ax"));
    }
}

TEST_CASE("vocabulary factory unknown kind", "[data][vocabulary_factory]") {
    CHECK_THAT(error_message([] { make_vocabulary("bytes", ""); }), Contains("unknown vocabulary kind 'bytes'"));
    CHECK_THAT(error_message([] { make_vocabulary("char", "zz\n"); }), Contains("char vocabulary: line 1"));
}
