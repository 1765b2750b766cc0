// Builds .mo files byte by byte for the gettext tests: the 28-byte header, the msgid and msgstr descriptor tables,
// no hash table, then the NUL-terminated strings, in either byte order.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lskd::data::testing {

using MoPairs = std::vector<std::pair<std::string, std::string>>;  // raw msgid, msgstr (with \0 and \x04 inside)

inline const std::string kMoUtf8Header = "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2;\n";

inline std::vector<std::uint8_t> mo_bytes(const MoPairs& entries, bool big_endian = false, std::uint32_t revision = 0) {
    std::vector<std::uint8_t> out;
    const auto put = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (big_endian ? 24 - 8 * i : 8 * i)));
    };
    const auto n = static_cast<std::uint32_t>(entries.size());
    const std::uint32_t ids = 28, strs = ids + 8 * n;
    std::uint32_t at = strs + 8 * n;
    for (const std::uint32_t v : {0x950412deu, revision, n, ids, strs, 0u, at}) put(v);
    for (const bool translation : {false, true})
        for (const auto& [id, str] : entries) {
            const std::string& s = translation ? str : id;
            put(static_cast<std::uint32_t>(s.size()));
            put(at);
            at += static_cast<std::uint32_t>(s.size()) + 1;
        }
    for (const bool translation : {false, true})
        for (const auto& [id, str] : entries) {
            const std::string& s = translation ? str : id;
            out.insert(out.end(), s.begin(), s.end());
            out.push_back(0);
        }
    return out;
}

}  // namespace lskd::data::testing
