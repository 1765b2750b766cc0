#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "framework/data/corpus_hash.hpp"
#include "framework/data/gettext_corpus.hpp"
#include "mo_bytes.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

namespace {

void write_catalogue(const TempDir& dir, const std::string& domain, MoPairs entries) {
    std::filesystem::create_directories(dir / "de" / "LC_MESSAGES");
    entries.insert(entries.begin(), {"", kMoUtf8Header});
    write_file(dir / "de" / "LC_MESSAGES" / (domain + ".mo"), mo_bytes(entries));
}

GettextSpec two_catalogues() { return {"test-de", "de", {{"pkg-a", "a"}, {"pkg-b", "b"}}}; }

}  // namespace

TEST_CASE("gettext corpus keeps the first translation of a source", "[data][gettext]") {
    TempDir dir;
    write_catalogue(dir, "a",
                    {{"_Remove the selected file", "Die ausgewählte Datei _entfernen"},
                     {"Too short", "Zu kurz"},
                     {"the same in both languages", "the same in both languages"}});
    write_catalogue(dir, "b",
                    {{"Remove the selected file", "Die gewählte Datei löschen"},
                     {"Cannot read from standard input", "Standardeingabe kann nicht gelesen werden"}});
    const GettextCorpus got = read_gettext_corpus(two_catalogues(), dir.path());
    CHECK(got.corpus.origin == "test-de");
    CHECK(got.kept == std::vector<std::int64_t>{1, 1});
    REQUIRE(got.corpus.examples.size() == 2);
    CHECK(got.corpus.examples[0].source == "Remove the selected file");
    CHECK(got.corpus.examples[0].references == std::vector<std::string>{"Die ausgewählte Datei entfernen"});
    CHECK(got.corpus.examples[1].references == std::vector<std::string>{"Standardeingabe kann nicht gelesen werden"});
    CHECK(got.corpus.hash == parallel_corpus_hash(got.corpus.examples));
}

TEST_CASE("gettext corpus names a missing catalogue's package", "[data][gettext]") {
    TempDir dir;
    write_catalogue(dir, "a", {{"Remove the selected file now", "Die gewählte Datei jetzt löschen"}});
    CHECK_THAT(error_message([&] { read_gettext_corpus(two_catalogues(), dir.path()); }),
               Contains("test-de: " + (dir / "de" / "LC_MESSAGES" / "b.mo").string() +
                        " is missing: it is installed by the Debian package 'pkg-b'"));
}

TEST_CASE("gettext corpus with no pair is refused", "[data][gettext]") {
    TempDir dir;
    write_catalogue(dir, "a", {{"Short", "Kurz"}});
    write_catalogue(dir, "b", {});
    CHECK_THAT(error_message([&] { read_gettext_corpus(two_catalogues(), dir.path()); }),
               Contains("test-de: no message pair passed the filters"));
}

TEST_CASE("corpus hash covers every field", "[data][gettext]") {
    const std::vector<ParallelExample> a{{"ab", {"c"}}};
    CHECK(parallel_corpus_hash(a) == parallel_corpus_hash(std::vector<ParallelExample>{{"ab", {"c"}}}));
    CHECK(parallel_corpus_hash(a).size() == 16);
    CHECK(parallel_corpus_hash(a) != parallel_corpus_hash(std::vector<ParallelExample>{{"a", {"bc"}}}));
    CHECK(parallel_corpus_hash(a) != parallel_corpus_hash(std::vector<ParallelExample>{{"ab", {"c", ""}}}));
    CHECK(parallel_corpus_hash(a) != parallel_corpus_hash(std::vector<ParallelExample>{{"ab", {"c"}}, {"ab", {"c"}}}));
    CHECK(parallel_corpus_hash({}) == "a8c7f832281a39c5");  // FNV-1a of the example count alone: 8 zero bytes
}

TEST_CASE("gettext-de reads the system catalogues", "[data][gettext]") {
    const GettextSpec spec = builtin_gettext_de_spec();
    const GettextCorpus got = read_gettext_corpus(spec);
    CHECK(got.corpus.origin == "gettext-de");
    REQUIRE(got.kept.size() == spec.catalogues.size());
    for (std::size_t i = 0; i < got.kept.size(); ++i) {
        INFO(spec.catalogues[i].domain);
        CHECK(got.kept[i] > 0);
    }
    CHECK(got.corpus.examples.size() > 10000);
    CHECK(read_gettext_corpus(spec).corpus.hash == got.corpus.hash);
}
