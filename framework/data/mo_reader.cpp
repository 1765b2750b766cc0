#include "framework/data/mo_reader.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "framework/core/error.hpp"
#include "framework/core/utf8.hpp"
#include "framework/data/file_bytes.hpp"

namespace lskd::data {
namespace {

constexpr std::uint32_t kMagic = 0x950412de;
constexpr std::size_t kHeaderBytes = 28;  // magic, revision, count, two table offsets, hash table size and offset

struct MoBytes {
    std::span<const std::uint8_t> bytes;
    const std::filesystem::path& file;
    bool big_endian = false;

    std::uint32_t u32(std::uint64_t at) const {
        const std::uint8_t* p = bytes.data() + at;
        return big_endian ? std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3]
                          : std::uint32_t{p[3]} << 24 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[1]} << 8 | p[0];
    }

    // The string of descriptor `index` in the table at `table`; tables were checked to lie inside the file.
    std::string_view string(std::uint64_t table, std::uint32_t index, const char* which) const {
        const std::uint64_t length = u32(table + 8 * std::uint64_t{index});
        const std::uint64_t offset = u32(table + 8 * std::uint64_t{index} + 4);
        if (offset + length >= bytes.size())
            fail("{}: entry {}: the {} ({} bytes at offset {}) runs past the end of the file ({} bytes)", file.string(),
                 index, which, length, offset, bytes.size());
        if (bytes[offset + length] != 0)
            fail("{}: entry {}: the {} at offset {} is not NUL-terminated", file.string(), index, which, offset);
        return {reinterpret_cast<const char*>(bytes.data() + offset), length};
    }
};

void check_table(const MoBytes& mo, std::uint64_t offset, std::uint64_t count, std::uint64_t entry_bytes,
                 const char* what) {
    if (offset > mo.bytes.size() || count * entry_bytes > mo.bytes.size() - offset)
        fail("{}: the {} ({} entries at offset {}) runs past the end of the file ({} bytes)", mo.file.string(), what,
             count, offset, mo.bytes.size());
}

std::vector<std::string> split_nul(std::string_view s) {
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
        const std::size_t end = s.find('\0', start);
        parts.emplace_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// The charset parameter of the header's "Content-Type:" line.
std::string header_charset(std::string_view header, const std::filesystem::path& file, std::uint32_t index) {
    const std::string text = lower(header);
    const std::size_t line = text.find("content-type:");
    const std::size_t key = line == std::string::npos ? line : text.find("charset=", line);
    if (key == std::string::npos || text.find('\n', line) < key)
        fail("{}: entry {}: the header names no charset (Content-Type: ...; charset=...)", file.string(), index);
    const std::size_t start = key + 8;
    const std::size_t end = text.find_first_of(" \t;\n", start);
    return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

MoEntry make_entry(std::string_view id, std::string_view str, const std::filesystem::path& file, std::uint32_t index) {
    MoEntry e;
    if (const std::size_t ctx = id.find('\x04'); ctx != std::string_view::npos) {
        e.context = id.substr(0, ctx);
        id.remove_prefix(ctx + 1);
    }
    const std::vector<std::string> ids = split_nul(id);
    if (ids.size() > 2)
        fail("{}: entry {}: the msgid has {} NUL-separated parts, expected msgid and at most one msgid_plural",
             file.string(), index, ids.size());
    e.source = ids[0];
    if (ids.size() == 2) e.source_plural = ids[1];
    e.translations = split_nul(str);
    if (ids.size() == 1 && e.translations.size() > 1)
        fail("{}: entry {}: {} plural translations of an entry without msgid_plural", file.string(), index,
             e.translations.size());
    for (const std::string* s : {&e.context, &e.source, &e.source_plural})
        if (!lskd::valid_utf8(*s)) fail("{}: entry {}: the msgid is not valid UTF-8", file.string(), index);
    for (const std::string& s : e.translations)
        if (!lskd::valid_utf8(s)) fail("{}: entry {}: the msgstr is not valid UTF-8", file.string(), index);
    return e;
}

MoBytes open_mo(std::span<const std::uint8_t> bytes, const std::filesystem::path& file) {
    if (bytes.size() < kHeaderBytes)
        fail("{}: truncated: {} bytes, a .mo header has {}", file.string(), bytes.size(), kHeaderBytes);
    MoBytes mo{bytes, file};
    if (mo.u32(0) != kMagic) {
        mo.big_endian = true;
        if (mo.u32(0) != kMagic)
            fail("{}: not a .mo file: magic number 0x{:08x}, expected 0x{:08x} in either byte order", file.string(),
                 mo.u32(0), kMagic);
    }
    if (const std::uint32_t major = mo.u32(4) >> 16; major > 1)
        fail("{}: unsupported .mo format revision {}.{}, expected 0 or 1", file.string(), major, mo.u32(4) & 0xffff);
    return mo;
}

}  // namespace

MoCatalogue parse_mo(std::span<const std::uint8_t> bytes, const std::filesystem::path& file) {
    const MoBytes mo = open_mo(bytes, file);
    const std::uint32_t count = mo.u32(8);
    const std::uint64_t ids = mo.u32(12), strs = mo.u32(16), hash_size = mo.u32(20), hash_at = mo.u32(24);
    check_table(mo, ids, count, 8, "msgid table");
    check_table(mo, strs, count, 8, "msgstr table");
    if (hash_size > 0) check_table(mo, hash_at, hash_size, 4, "hash table");

    MoCatalogue catalogue;
    bool has_header = false;
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::string_view id = mo.string(ids, i, "msgid");
        const std::string_view str = mo.string(strs, i, "msgstr");
        if (id.empty()) {
            if (has_header) fail("{}: entry {}: a second header entry (empty msgid)", file.string(), i);
            has_header = true;
            catalogue.charset = header_charset(str, file, i);
            if (catalogue.charset != "utf-8" && catalogue.charset != "utf8")
                fail("{}: entry {}: charset '{}', expected UTF-8", file.string(), i, catalogue.charset);
            continue;
        }
        catalogue.entries.push_back(make_entry(id, str, file, i));
    }
    if (!has_header) fail("{}: no header entry (empty msgid), so its charset is unknown", file.string());
    return catalogue;
}

MoCatalogue read_mo(const std::filesystem::path& file) { return parse_mo(read_file_bytes(file), file); }

}  // namespace lskd::data
