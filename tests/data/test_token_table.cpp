#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "framework/data/token_table.hpp"
#include "framework/data/vocabulary.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

TEST_CASE("token table ids follow the specials", "[data][token_table]") {
    const TokenTable t = TokenTable::from_set({"b", "a", "ch"}, "test");
    CHECK(t.size() == 7);
    CHECK(t.id("a") == 4);
    CHECK(t.id("ch") == 6);
    CHECK(t.id("c") == kUnkId);
    CHECK(t.token(5) == "b");
    CHECK(TokenTable::special_name(kPadId) == "<pad>");
    CHECK(TokenTable::special_name(kUnkId) == "<unk>");
    CHECK_THAT(error_message([&] { t.token(kEosId); }), Contains("test vocabulary: id 2 is a special token"));
    CHECK_THAT(error_message([&] { t.check(7); }), Contains("test vocabulary: id 7 is out of range [0, 7)"));
    CHECK_THAT(error_message([] { TokenTable({"b", "a"}, "test"); }), Contains("token 5 is not after token 4"));
}
