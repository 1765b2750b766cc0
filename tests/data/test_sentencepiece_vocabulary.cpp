#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "framework/core/random.hpp"
#include "framework/data/sentencepiece_vocabulary.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

namespace {

// Sentences of 3..10 words drawn from a fixed list, so pieces recur as in messages.
std::vector<std::string> sentences(std::size_t n, std::uint64_t seed) {
    static const std::vector<std::string> words{
        "die",       "Datei",    "kann",       "nicht",  "geöffnet", "werden",   "Verzeichnis", "wurde",
        "gelöscht",  "Fehler",   "beim",       "Lesen",  "von",      "%s",       "Schreiben",   "Eingabe",
        "Ausgabe",   "ungültig", "Argument",   "Option", "erwartet", "Benutzer", "Paket",       "installiert",
        "entfernen", "ändern",   "Speicher",   "voll",   "über",     "Größe",    "Zeichen",     "Schlüssel",
        "Signatur",  "prüfen",   "Verbindung", "Server", "Netzwerk", "Zeit",     "abgelaufen",  "unbekannt"};
    lskd::Rng rng(seed);
    std::vector<std::string> out(n);
    for (std::string& s : out) {
        const std::uint64_t length = 3 + rng.below(8);
        for (std::uint64_t w = 0; w < length; ++w) s += (w ? " " : "") + words[rng.below(words.size())];
    }
    return out;
}

SentencePieceOptions vocab(int size) {
    SentencePieceOptions options;
    options.vocab_size = size;
    return options;
}

}  // namespace

TEST_CASE("sentencepiece special ids are lskd's", "[data][sentencepiece]") {
    const auto v = train_sentencepiece(sentences(400, 1), vocab(120));
    CHECK(v->kind() == "sentencepiece");
    CHECK(v->size() <= 120);
    CHECK(v->size() > 40);
    CHECK(v->token(kPadId) == "<pad>");
    CHECK(v->token(kBosId) == "<s>");
    CHECK(v->token(kEosId) == "</s>");
    CHECK(v->token(kUnkId) == "<unk>");
}

TEST_CASE("sentencepiece encode and decode round trip", "[data][sentencepiece]") {
    const auto v = train_sentencepiece(sentences(400, 1), vocab(120));
    for (const std::string& s : sentences(50, 2)) {  // unseen sentences of seen characters
        const std::vector<std::int32_t> ids = v->encode(s);
        REQUIRE(!ids.empty());
        for (const std::int32_t id : ids) CHECK((id > kUnkId && id < v->size()));
        CHECK(v->decode(ids) == s);
    }
}

TEST_CASE("sentencepiece decode skips specials", "[data][sentencepiece]") {
    const auto v = train_sentencepiece(sentences(400, 1), vocab(120));
    std::vector<std::int32_t> ids = v->encode("die Datei wurde gelöscht");
    ids.insert(ids.begin(), kBosId);
    ids.push_back(kEosId);
    ids.push_back(v->encode("Fehler")[0]);
    ids.insert(ids.begin() + 2, kPadId);
    CHECK(v->decode(ids) == "die Datei wurde gelöscht");
    const std::vector<std::int32_t> unknown = v->encode("Datei ✓");
    CHECK(unknown.back() == kUnkId);
}

TEST_CASE("sentencepiece serialize rebuilds the same model", "[data][sentencepiece]") {
    const auto v = train_sentencepiece(sentences(400, 1), vocab(120));
    const SentencePieceVocabulary again(v->serialize());
    CHECK(again.size() == v->size());
    CHECK(again.serialize() == v->serialize());
    for (const std::string& s : sentences(20, 3)) CHECK(again.encode(s) == v->encode(s));
}

TEST_CASE("sentencepiece training is deterministic", "[data][sentencepiece]") {
    const std::vector<std::string> text = sentences(600, 4);
    const auto a = train_sentencepiece(text, vocab(150));
    const auto b = train_sentencepiece(text, vocab(150));
    CHECK(a->serialize() == b->serialize());
    const auto other = train_sentencepiece(sentences(600, 5), vocab(150));
    CHECK(other->serialize() != a->serialize());
}

TEST_CASE("sentencepiece faults", "[data][sentencepiece]") {
    CHECK_THAT(error_message([] { train_sentencepiece({}, vocab(100)); }),
               Contains("sentencepiece vocabulary: no training sentence has text within 4192 bytes"));
    CHECK_THAT(error_message([] {
                   train_sentencepiece(std::vector<std::string>{"", " \t", std::string(4193, 'x')});
               }),
               Contains("sentencepiece vocabulary: no training sentence has text within 4192 bytes"));
    CHECK_THAT(error_message([] { train_sentencepiece(sentences(10, 1), vocab(4)); }),
               Contains("sentencepiece vocabulary: vocab size 4 is below 5"));
    CHECK_THAT(error_message([] { SentencePieceVocabulary("not a model"); }),
               Contains("sentencepiece vocabulary: not a SentencePiece model"));
    const auto v = train_sentencepiece(sentences(400, 1), vocab(120));
    CHECK_THAT(error_message([&] { v->token(v->size()); }),
               Contains(fmt::format("sentencepiece vocabulary: id {} is not in [0, {})", v->size(), v->size())));
    const std::vector<std::int32_t> bad{5, -1};
    CHECK_THAT(error_message([&] { v->decode(bad); }), Contains("sentencepiece vocabulary: id -1 is not in"));
}
