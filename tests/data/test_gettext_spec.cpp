#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "framework/data/gettext_spec.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

TEST_CASE("gettext spec lists catalogues in order", "[data][gettext]") {
    const GettextSpec spec = parse_gettext_spec(
        "name: t\nlanguage: de\npackages:\n  - {package: p1, domains: [a, b]}\n  - {package: p2, domains: [c]}\n",
        "t.yaml");
    CHECK(spec.name == "t");
    CHECK(spec.language == "de");
    REQUIRE(spec.catalogues.size() == 3);
    CHECK(spec.catalogues[1].package == "p1");
    CHECK(spec.catalogues[1].domain == "b");
    CHECK(spec.catalogues[2].package == "p2");
}

TEST_CASE("gettext spec faults", "[data][gettext]") {
    const auto error = [](const std::string& yaml) {
        return error_message([&] { parse_gettext_spec(yaml, "t.yaml"); });
    };
    CHECK_THAT(error("name: t\nlanguage: de\npackages: [{package: p, domains: [a]}]\nextra: 1\n"),
               Contains("t.yaml: unknown key 'extra'"));
    CHECK_THAT(error("name: t\npackages: [{package: p, domains: [a]}]\n"),
               Contains("t.yaml: 'language' must be a non-empty string"));
    CHECK_THAT(error("name: t\nlanguage: de\npackages: []\n"), Contains("t.yaml: 'packages' must be a non-empty list"));
    CHECK_THAT(error("name: t\nlanguage: de\npackages: [{package: p, domains: []}]\n"),
               Contains("t.yaml (packages.0): 'domains' must be a non-empty list"));
    CHECK_THAT(error("name: t\nlanguage: de\npackages: [{package: p, domains: [../x]}]\n"),
               Contains("t.yaml (packages.0): a domain must be a file name without '/'"));
    CHECK_THAT(error("name: t\nlanguage: de\npackages: [{package: p, domains: [a]}, {package: q, domains: [a]}]\n"),
               Contains("t.yaml (packages.1): domain 'a' is listed twice"));
    CHECK_THAT(error("name: [t\n"), Contains("t.yaml: not valid YAML"));
}

TEST_CASE("gettext-de spec is built in", "[data][gettext]") {
    const GettextSpec spec = builtin_gettext_de_spec();
    CHECK(spec.name == "gettext-de");
    CHECK(spec.language == "de");
    REQUIRE(!spec.catalogues.empty());
    CHECK(spec.catalogues[0].package == "git");
}
