// Reads a GNU gettext .mo catalogue (either byte order, format revision 0 or 1) into its entries. The header entry
// (empty msgid) is not an entry; its charset must be UTF-8. Malformed bytes are an lskd::Error naming the file and
// the entry index.
#pragma once
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace lskd::data {

struct MoEntry {
    std::string context;                    // msgctxt (before \x04 in the msgid); empty without one
    std::string source;                     // msgid
    std::string source_plural;              // msgid_plural; empty for an entry without plural forms
    std::vector<std::string> translations;  // msgstr: one, or one per plural form
};

struct MoCatalogue {
    std::string charset;  // from the header's Content-Type, lower-cased: "utf-8" or "utf8"
    std::vector<MoEntry> entries;
};

// Revision 1's system-dependent strings (<PRIu64> and the like, in tables past the 28-byte header) are not read:
// their entries are absent, as in a revision 0 file.
MoCatalogue parse_mo(std::span<const std::uint8_t> bytes, const std::filesystem::path& file);
MoCatalogue read_mo(const std::filesystem::path& file);

}  // namespace lskd::data
