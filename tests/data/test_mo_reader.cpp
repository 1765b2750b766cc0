#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "framework/data/mo_reader.hpp"
#include "mo_bytes.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

namespace {

using namespace std::string_literals;

// The header, a plain entry, a context entry and a plural entry, in msgid order as msgfmt writes them.
MoPairs sample_entries() {
    return {{"", kMoUtf8Header},
            {"Open file", "Datei öffnen"},
            {"menu\x04Quit", "Beenden"},
            {"one file\0%d files"s, "eine Datei\0%d Dateien"s}};
}

std::uint32_t le32(const Bytes& b, std::size_t at) {
    return b[at] | b[at + 1] << 8 | b[at + 2] << 16 | static_cast<std::uint32_t>(b[at + 3]) << 24;
}

void set_le32(Bytes& b, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

std::string parse_error(const Bytes& bytes) {
    return error_message([&] { parse_mo(bytes, "de.mo"); });
}

std::string parse_error(const MoPairs& entries) { return parse_error(mo_bytes(entries)); }

}  // namespace

TEST_CASE("mo entries in both byte orders", "[data][mo]") {
    const bool big_endian = GENERATE(false, true);
    const MoCatalogue mo = parse_mo(mo_bytes(sample_entries(), big_endian), "de.mo");
    CHECK(mo.charset == "utf-8");
    REQUIRE(mo.entries.size() == 3);
    CHECK(mo.entries[0].context.empty());
    CHECK(mo.entries[0].source == "Open file");
    CHECK(mo.entries[0].source_plural.empty());
    CHECK(mo.entries[0].translations == std::vector<std::string>{"Datei öffnen"});
    CHECK(mo.entries[1].context == "menu");
    CHECK(mo.entries[1].source == "Quit");
    CHECK(mo.entries[1].translations == std::vector<std::string>{"Beenden"});
    CHECK(mo.entries[2].source == "one file");
    CHECK(mo.entries[2].source_plural == "%d files");
    CHECK(mo.entries[2].translations == std::vector<std::string>{"eine Datei", "%d Dateien"});
}

TEST_CASE("mo revisions 0 and 1 read and 2 refused", "[data][mo]") {
    CHECK(parse_mo(mo_bytes(sample_entries(), false, 0x00010001), "de.mo").entries.size() == 3);
    CHECK_THAT(parse_error(mo_bytes(sample_entries(), true, 0x00020000)),
               Contains("de.mo: unsupported .mo format revision 2.0, expected 0 or 1"));
}

TEST_CASE("mo header faults", "[data][mo]") {
    Bytes bytes = mo_bytes(sample_entries());
    CHECK_THAT(parse_error(Bytes(bytes.begin(), bytes.begin() + 27)), Contains("de.mo: truncated: 27 bytes"));
    bytes[0] = 0x00;
    CHECK_THAT(parse_error(bytes),
               Contains("de.mo: not a .mo file: magic number 0x00120495, expected 0x950412de in either byte order"));
    bytes = mo_bytes(sample_entries());
    set_le32(bytes, 8, 1000);  // more entries than the tables hold
    CHECK_THAT(parse_error(bytes), Contains("de.mo: the msgid table (1000 entries at offset 28) runs past the end"));
    bytes = mo_bytes(sample_entries());
    set_le32(bytes, 16, static_cast<std::uint32_t>(bytes.size()) - 8);
    CHECK_THAT(parse_error(bytes), Contains("de.mo: the msgstr table (4 entries at offset"));
    bytes = mo_bytes(sample_entries());
    set_le32(bytes, 20, 0xffffffff);
    CHECK_THAT(parse_error(bytes), Contains("de.mo: the hash table (4294967295 entries"));
}

TEST_CASE("mo string faults name the entry", "[data][mo]") {
    Bytes bytes = mo_bytes(sample_entries());
    const std::size_t descriptor = 28 + 8 * 2;  // entry 2's msgid
    set_le32(bytes, descriptor, 0xfffffff0);
    CHECK_THAT(parse_error(bytes), Contains("de.mo: entry 2: the msgid (4294967280 bytes at offset"));
    bytes = mo_bytes(sample_entries());
    set_le32(bytes, descriptor + 4, 0xffffffff);
    CHECK_THAT(parse_error(bytes), Contains("de.mo: entry 2: the msgid (9 bytes at offset 4294967295) runs past"));
    bytes = mo_bytes(sample_entries());
    bytes[le32(bytes, descriptor + 4) + le32(bytes, descriptor)] = 'x';
    CHECK_THAT(parse_error(bytes), Contains("de.mo: entry 2: the msgid at offset"));
    CHECK_THAT(parse_error(bytes), Contains("is not NUL-terminated"));
}

TEST_CASE("mo entry content faults", "[data][mo]") {
    CHECK_THAT(parse_error(MoPairs{{"", kMoUtf8Header}, {"a\0b\0c"s, "x\0y\0z"s}}),
               Contains("de.mo: entry 1: the msgid has 3 NUL-separated parts"));
    CHECK_THAT(parse_error(MoPairs{{"", kMoUtf8Header}, {"a", "x\0y"s}}),
               Contains("de.mo: entry 1: 2 plural translations of an entry without msgid_plural"));
    CHECK_THAT(parse_error(MoPairs{{"", kMoUtf8Header}, {"a\xff", "x"}}),
               Contains("de.mo: entry 1: the msgid is not valid UTF-8"));
    CHECK_THAT(parse_error(MoPairs{{"", kMoUtf8Header}, {"a", "\xc3\x28"}}),
               Contains("de.mo: entry 1: the msgstr is not valid UTF-8"));
    CHECK_THAT(parse_error(MoPairs{{"", kMoUtf8Header}, {"a", "\xed\xa0\x80"}}),
               Contains("de.mo: entry 1: the msgstr is not valid UTF-8"));  // a surrogate
}

TEST_CASE("mo header entry faults", "[data][mo]") {
    CHECK_THAT(parse_error(MoPairs{{"", "Content-Type: text/plain; charset=ISO-8859-1\n"}, {"a", "b"}}),
               Contains("de.mo: entry 0: charset 'iso-8859-1', expected UTF-8"));
    CHECK_THAT(parse_error(MoPairs{{"", "Project-Id-Version: x\n"}, {"a", "b"}}),
               Contains("de.mo: entry 0: the header names no charset"));
    CHECK_THAT(parse_error(MoPairs{{"", "Content-Type: text/plain\nX: charset=UTF-8\n"}, {"a", "b"}}),
               Contains("de.mo: entry 0: the header names no charset"));
    CHECK_THAT(parse_error(MoPairs{{"a", "b"}}), Contains("de.mo: no header entry (empty msgid)"));
    CHECK_THAT(parse_error(MoPairs{{"", kMoUtf8Header}, {"", kMoUtf8Header}}),
               Contains("de.mo: entry 1: a second header entry"));
}

TEST_CASE("mo files are read from disk", "[data][mo]") {
    TempDir dir;
    write_file(dir / "x.mo", mo_bytes(sample_entries(), true));
    CHECK(read_mo(dir / "x.mo").entries.size() == 3);
    CHECK_THAT(error_message([&] { read_mo(dir / "missing.mo"); }), Contains("missing.mo: no such file"));
}

TEST_CASE("mo truncations fail and bit flips never crash", "[data][mo]") {
    const Bytes bytes = mo_bytes(sample_entries());
    for (std::size_t len = 0; len < bytes.size(); ++len)
        CHECK_FALSE(parse_error(Bytes(bytes.begin(), bytes.begin() + len)).empty());
    std::size_t refused = 0;
    for (std::size_t bit = 0; bit < 8 * bytes.size(); ++bit) {
        Bytes flipped = bytes;
        flipped[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        refused += !parse_error(flipped).empty();
    }
    CHECK(refused > 0);
}
