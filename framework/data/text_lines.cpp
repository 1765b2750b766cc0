#include "framework/data/text_lines.hpp"

#include "framework/core/error.hpp"
#include "framework/data/utf8.hpp"

namespace lskd::data {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

void check_line(std::string_view text, const std::filesystem::path& file, std::size_t number) {
    if (const std::size_t bad = invalid_utf8_offset(text); bad != std::string_view::npos)
        fail("{}:{}: invalid UTF-8 at byte {} of the line", file.string(), number, bad + 1);
    if (const std::size_t cr = text.find('\r'); cr != std::string_view::npos)
        fail("{}:{}: a carriage return inside the line (byte {}); only CRLF line endings are accepted", file.string(),
             number, cr + 1);
    if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos)
        fail("{}:{}: a NUL byte at byte {} of the line", file.string(), number, nul + 1);
}

}  // namespace

void for_each_line(std::span<const std::uint8_t> bytes, const std::filesystem::path& file,
                   const std::function<void(std::size_t number, std::string_view text)>& line) {
    std::string_view rest(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (rest.starts_with(kByteOrderMark)) rest.remove_prefix(kByteOrderMark.size());
    for (std::size_t number = 1; !rest.empty(); ++number) {
        const std::size_t end = rest.find('\n');
        std::string_view text = rest.substr(0, end);
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
        if (end != std::string_view::npos && text.ends_with('\r')) text.remove_suffix(1);
        check_line(text, file, number);
        line(number, text);
    }
}

}  // namespace lskd::data
