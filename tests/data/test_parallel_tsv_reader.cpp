#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "framework/data/corpus_hash.hpp"
#include "framework/data/parallel_tsv_reader.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

namespace {

ParallelCorpus parse(std::string_view text) { return parse_parallel_tsv(text_bytes(text), "pairs.tsv"); }

}  // namespace

TEST_CASE("tsv rows with one and several references", "[data][tsv]") {
    const ParallelCorpus c = parse("Open file\tDatei öffnen\n x \t y \tz\nOpen file\tDatei öffnen\r\n");
    REQUIRE(c.examples.size() == 3);  // a repeated line stays a separate example
    CHECK(c.examples[0].source == "Open file");
    CHECK(c.examples[0].references == std::vector<std::string>{"Datei öffnen"});
    CHECK(c.examples[1].source == " x ");  // fields are verbatim
    CHECK(c.examples[1].references == std::vector<std::string>{" y ", "z"});
    CHECK(c.examples[2].references == c.examples[0].references);
    CHECK(c.origin == "pairs.tsv");
    CHECK(c.hash == parallel_corpus_hash(c.examples));
    CHECK(parse("a\tb").hash == parse("a\tb\n").hash);  // the last newline is optional
}

TEST_CASE("tsv errors name file and line", "[data][tsv]") {
    CHECK_THAT(error_message([] { parse("a\tb\nno tab here\n"); }), Contains("pairs.tsv:2: no tab"));
    CHECK_THAT(error_message([] { parse("\tb\n"); }), Contains("pairs.tsv:1: field 1 is empty (the source)"));
    CHECK_THAT(error_message([] { parse("a\tb\na\t\n"); }), Contains("pairs.tsv:2: field 2 is empty (the target)"));
    CHECK_THAT(error_message([] { parse("a\tb\t\n"); }), Contains("pairs.tsv:1: field 3 is empty (a reference)"));
    CHECK_THAT(error_message([] { parse("a\tb\n\nc\td\n"); }), Contains("pairs.tsv:2: empty line"));
    CHECK_THAT(error_message([] { parse("a\tb\na\t\xE9t\xE9\n"); }), Contains("pairs.tsv:2: invalid UTF-8"));
    CHECK_THAT(error_message([] { parse("a\tb\rc\n"); }), Contains("pairs.tsv:1: a carriage return"));
    CHECK_THAT(error_message([] { parse(""); }), Contains("pairs.tsv: no examples"));
}

TEST_CASE("tsv files raw and gzip", "[data][tsv]") {
    TempDir dir;
    const Bytes text = text_bytes("a\tb\n");
    write_file(dir / "p.tsv", text);
    write_file(dir / "p.tsv.gz", gzip_bytes(text));
    CHECK(read_parallel_tsv(dir / "p.tsv").hash == read_parallel_tsv(dir / "p.tsv.gz").hash);
    CHECK(read_parallel_tsv(dir / "p.tsv").origin == (dir / "p.tsv").string());
}
