#include "framework/data/segment_lines.hpp"

#include <string_view>

#include "framework/core/error.hpp"
#include "framework/core/utf8.hpp"
#include "framework/data/file_bytes.hpp"

namespace lskd::data {

std::vector<std::string> utf8_lines(std::span<const std::uint8_t> bytes, const std::filesystem::path& file) {
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(start, end - start);
        if (const auto bad = first_invalid_utf8(line))
            fail("{}: line {}: not UTF-8 (byte 0x{:02x} at column {})", file.string(), lines.size() + 1,
                 static_cast<unsigned char>(line[*bad]), *bad + 1);
        lines.emplace_back(line);
        start = end + 1;
    }
    return lines;
}

std::vector<std::string> read_utf8_lines(const std::filesystem::path& file) {
    return utf8_lines(read_file_bytes(file), file);
}

}  // namespace lskd::data
