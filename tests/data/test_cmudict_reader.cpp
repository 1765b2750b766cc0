#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include "fixtures.hpp"
#include "framework/data/cmudict_reader.hpp"
#include "framework/data/corpus_hash.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

namespace {

ParallelCorpus parse(std::string_view text) { return parse_cmudict(text_bytes(text), "dict.out"); }

// The message of parsing a file whose second line (the first entry) is `entry`.
std::string entry_error(std::string_view entry) {
    const std::string file = fmt::format("MNCL\n{}\n", entry);
    return error_message([&] { parse(file); });
}

}  // namespace

TEST_CASE("cmudict real lines", "[data][cmudict]") {
    const ParallelCorpus c = parse("MNCL\n"
                                   "(\"a\" dt (((ax) 0)))\n"
                                   "(\"a\" n (((ey) 1)))\n"
                                   "(\"aaa\" nil (((t r ih) 1) ((p ax) 0) ((l ey) 1)))\n"
                                   "(\"lead\" v_p (((l eh d) 1)))\n"
                                   "(\"lead\" n (((l iy d) 1)))\n"
                                   "(\"lead\" v (((l iy d) 1)))\n"
                                   "(\"Zedong\" nil (((z ax) 0) ((d ao ng) 1)))\n");
    REQUIRE(c.examples.size() == 4);
    CHECK(c.examples[0].source == "a");
    CHECK(c.examples[0].references == std::vector<std::string>{"ax", "ey"});
    CHECK(c.examples[1].source == "aaa");
    CHECK(c.examples[1].references == std::vector<std::string>{"t r ih p ax l ey"});
    CHECK(c.examples[2].source == "lead");
    CHECK(c.examples[2].references == std::vector<std::string>{"l eh d", "l iy d"});  // the duplicate is dropped
    CHECK(c.examples[3].source == "Zedong");
    CHECK(c.origin == "dict.out");
    CHECK(c.hash == parallel_corpus_hash(c.examples));
}

TEST_CASE("cmudict reads CRLF and gzip files alike", "[data][cmudict]") {
    const std::string lf = "MNCL\n(\"ab\" nil (((ae b) 1)))\n";
    const ParallelCorpus a = parse(lf);
    CHECK(parse("MNCL\r\n(\"ab\" nil (((ae b) 1)))").hash == a.hash);
    TempDir dir;
    write_file(dir / "d.out.gz", gzip_bytes(text_bytes(lf)));
    CHECK(read_cmudict(dir / "d.out.gz").hash == a.hash);
}

TEST_CASE("cmudict header errors", "[data][cmudict]") {
    CHECK_THAT(error_message([] { parse("(\"a\" nil (((ax) 0)))\n"); }), Contains("dict.out:1:") && Contains("MNCL"));
    CHECK_THAT(error_message([] { parse("MNCL\n"); }), Contains("dict.out") && Contains("no dictionary entries"));
    CHECK_THAT(error_message([] { parse(""); }), Contains("no dictionary entries"));
    CHECK_THAT(error_message([] { parse("MNCL\n(\"a\" nil (((ax) 0)))\n\n"); }),
               Contains("dict.out:3:") && Contains("empty line"));
}

TEST_CASE("cmudict entry errors", "[data][cmudict]") {
    const auto has = [](const std::string& msg, const char* what, const char* column) {
        CHECK_THAT(msg, Contains("dict.out:2: malformed entry") && Contains(what) && Contains(column));
    };
    has(entry_error("\"a\" nil (((ax) 0)))"), "opening", "column 1");
    has(entry_error("(\"\" nil (((ax) 0)))"), "non-empty word", "column 3");
    has(entry_error("(\"a b\" nil (((ax) 0)))"), "without spaces", "column 4");
    has(entry_error("(\"a nil (((ax) 0)))"), "without spaces", "column 4");
    has(entry_error("(\"a\"  nil (((ax) 0)))"), "part-of-speech", "column 6");
    has(entry_error("(\"a\" Nil (((ax) 0)))"), "part-of-speech", "column 6");
    has(entry_error("(\"a\" nil ((ax) 0))"), "'((' opening a syllable", "column 11");
    has(entry_error("(\"a\" nil ((() 0)))"), "a phone", "column 13");
    has(entry_error("(\"a\" nil (((AX) 0)))"), "a phone", "column 13");
    has(entry_error("(\"a\" nil (((ax  ey) 0)))"), "a phone", "column 16");
    has(entry_error("(\"a\" nil (((ax1) 0)))"), "')' and a space", "column 15");
    has(entry_error("(\"a\" nil (((ax) 3)))"), "stress digit", "column 17");
    has(entry_error("(\"a\" nil (((ax) 0))"), "'))' closing", "column 19");
    has(entry_error("(\"a\" nil (((ax) 0))))"), "the end of the line", "column 21");
    has(entry_error("(\"a\" nil (((ax) 0) ))"), "'((' opening a syllable", "column 20");
    CHECK_THAT(entry_error("(\"a\xC3\" nil (((ax) 0)))"), Contains("dict.out:2: invalid UTF-8"));
}

TEST_CASE("cmudict missing file", "[data][cmudict]") {
    CHECK_THAT(error_message([] { read_cmudict("/nonexistent/cmudict.out"); }),
               Contains("/nonexistent/cmudict.out") && Contains("no such file"));
}

TEST_CASE("cmudict real dictionary counts", "[data][cmudict]") {
    if (!std::filesystem::exists(kFestivalCmudictPath)) FAIL("festlex-cmu is not installed: " << kFestivalCmudictPath);
    const ParallelCorpus c = read_cmudict(kFestivalCmudictPath);
    CHECK(c.examples.size() == 105664);
    std::size_t pronunciations = 0, homographs = 0;
    std::set<std::string> phones;
    for (const ParallelExample& e : c.examples) {
        pronunciations += e.references.size();
        homographs += e.references.size() > 1;
        for (const std::string& r : e.references)
            for (std::size_t at = 0; at < r.size();) {
                const std::size_t end = std::min(r.find(' ', at), r.size());
                phones.insert(r.substr(at, end - at));
                at = end + 1;
            }
    }
    CHECK(phones.size() == 40);
    CHECK(phones.count("ax") == 1);
    CHECK(c.examples[1].source == "aaa");
    CHECK(c.examples[1].references == std::vector<std::string>{"t r ih p ax l ey"});
    // Of the 105,901 entries, those of one word that differ only in stress or in their tag merge; an independent
    // Python regex pass over the file counts the same 105,832 pronunciations and 168 words with several.
    CHECK(pronunciations == 105832);
    CHECK(homographs == 168);
    // The digest of Debian 12's festlex-cmu 2.4-2: a package version that changes the dictionary must be noticed here,
    // since runs record this digest.
    CHECK(c.hash == "b10fc79f5f287d20");
}
