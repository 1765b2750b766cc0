#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "framework/data/char_vocabulary.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

namespace {

const std::vector<std::string> kTexts{"bab", "é a", "ca"};

}  // namespace

TEST_CASE("char vocabulary ids in code point order", "[data][char_vocabulary]") {
    const CharVocabulary v = CharVocabulary::build(kTexts);
    CHECK(v.kind() == "char");
    // ' ' 0x20, a, b, c, é 0xE9 after the 4 specials
    CHECK(v.size() == 9);
    CHECK(v.encode("ab c") == std::vector<std::int32_t>{5, 6, 4, 7});
    CHECK(v.encode("é") == std::vector<std::int32_t>{8});
    CHECK(v.encode("axé") == std::vector<std::int32_t>{5, kUnkId, 8});
    CHECK(v.token(5) == "a");
    CHECK(v.token(8) == "é");
    CHECK(v.token(4) == "U+0020");
    CHECK(v.token(kPadId) == "<pad>");
    CHECK(v.token(kEosId) == "<eos>");
}

TEST_CASE("char vocabulary decode", "[data][char_vocabulary]") {
    const CharVocabulary v = CharVocabulary::build(kTexts);
    const std::vector<std::int32_t> ids{kBosId, 5, kPadId, 6, kUnkId, 8, kEosId, 7, kPadId};
    CHECK(v.decode(ids) == "ab\xEF\xBF\xBD\xC3\xA9");  // stops at EOS; UNK is U+FFFD
    CHECK(v.decode(v.encode("c ab")) == "c ab");
    const std::vector<std::int32_t> bad{5, 9};
    CHECK_THAT(error_message([&] { v.decode(bad); }), Contains("char vocabulary: id 9 is out of range [0, 9)"));
    CHECK_THAT(error_message([&] { v.token(-1); }), Contains("id -1 is out of range"));
    CHECK_THAT(error_message([&] { v.encode("a\xFF"); }), Contains("invalid UTF-8"));
}

TEST_CASE("char vocabulary round trip", "[data][char_vocabulary]") {
    const std::vector<std::string> texts{"a\nb\t€𝄞"};
    const CharVocabulary v = CharVocabulary::build(texts);
    CHECK(v.serialize() == "9\na\n61\n62\n20ac\n1d11e\n");
    const CharVocabulary back = CharVocabulary::deserialize(v.serialize());
    CHECK(back.size() == v.size());
    for (std::int32_t id = 0; id < v.size(); ++id) CHECK(back.token(id) == v.token(id));
    CHECK(back.encode(texts[0]) == v.encode(texts[0]));
}

TEST_CASE("char vocabulary bad serialized", "[data][char_vocabulary]") {
    CHECK_THAT(error_message([] { CharVocabulary::deserialize("61\n62"); }), Contains("line 2 does not end"));
    CHECK_THAT(error_message([] { CharVocabulary::deserialize("61\nzz\n"); }), Contains("line 2: expected a code"));
    CHECK_THAT(error_message([] { CharVocabulary::deserialize("d800\n"); }), Contains("not a Unicode scalar"));
    CHECK_THAT(error_message([] { CharVocabulary::deserialize("110000\n"); }), Contains("not a Unicode scalar"));
    CHECK_THAT(error_message([] { CharVocabulary::deserialize("62\n61\n"); }), Contains("not after token 4"));
    CHECK_THAT(error_message([] { CharVocabulary::deserialize("61\n61\n"); }), Contains("not after token 4"));
    CHECK(CharVocabulary::deserialize("").size() == 4);
}
