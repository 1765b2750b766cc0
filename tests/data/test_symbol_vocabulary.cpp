#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "framework/data/symbol_vocabulary.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

namespace {

const std::vector<std::string> kPhones{"t r ih p ax l ey", "ax", "  l  iy\td "};

}  // namespace

TEST_CASE("symbol vocabulary ids in byte order", "[data][symbol_vocabulary]") {
    const SymbolVocabulary v = SymbolVocabulary::build(kPhones);
    CHECK(v.kind() == "symbol");
    // ax d ey ih iy l p r t after the 4 specials
    CHECK(v.size() == 13);
    CHECK(v.encode("l iy d") == std::vector<std::int32_t>{9, 8, 5});
    CHECK(v.encode(" t\n zh ax ") == std::vector<std::int32_t>{12, kUnkId, 4});
    CHECK(v.encode("   ").empty());
    CHECK(v.token(4) == "ax");
    CHECK(v.token(kBosId) == "<bos>");
    CHECK(v.token(kUnkId) == "<unk>");
}

TEST_CASE("symbol vocabulary decode", "[data][symbol_vocabulary]") {
    const SymbolVocabulary v = SymbolVocabulary::build(kPhones);
    const std::vector<std::int32_t> ids{kBosId, 9, kUnkId, kPadId, 5, kEosId, 4};
    CHECK(v.decode(ids) == "l <unk> d");
    CHECK(v.decode(v.encode("t r ih p ax l ey")) == "t r ih p ax l ey");
    const std::vector<std::int32_t> bad{13};
    CHECK_THAT(error_message([&] { v.decode(bad); }), Contains("symbol vocabulary: id 13 is out of range"));
}

TEST_CASE("symbol vocabulary round trip", "[data][symbol_vocabulary]") {
    const SymbolVocabulary v = SymbolVocabulary::build(kPhones);
    CHECK(v.serialize() == "ax\nd\ney\nih\niy\nl\np\nr\nt\n");
    const SymbolVocabulary back = SymbolVocabulary::deserialize(v.serialize());
    for (std::int32_t id = 0; id < v.size(); ++id) CHECK(back.token(id) == v.token(id));
    CHECK(back.size() == v.size());
}

TEST_CASE("symbol vocabulary bad serialized", "[data][symbol_vocabulary]") {
    CHECK_THAT(error_message([] { SymbolVocabulary::deserialize("ax\nd"); }), Contains("line 2 does not end"));
    CHECK_THAT(error_message([] { SymbolVocabulary::deserialize("ax\n\n"); }), Contains("line 2: expected one"));
    CHECK_THAT(error_message([] { SymbolVocabulary::deserialize("a x\n"); }), Contains("line 1: expected one"));
    CHECK_THAT(error_message([] { SymbolVocabulary::deserialize("d\nax\n"); }), Contains("not after token 4"));
}
