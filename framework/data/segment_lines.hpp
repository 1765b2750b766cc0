// Text files of one segment per line (hypotheses, references), read as Python reads them for sacreBLEU: lines end
// at '\n' only, a final line without one still counts, and the text must be UTF-8. A bad byte is an lskd::Error
// naming the file, the line and the byte's column.
#pragma once
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace lskd::data {

// The lines of `bytes` without their '\n'; `file` only names it in errors.
std::vector<std::string> utf8_lines(std::span<const std::uint8_t> bytes, const std::filesystem::path& file);

// The lines of a file, gunzipped first if it is gzip (as read_file_bytes).
std::vector<std::string> read_utf8_lines(const std::filesystem::path& file);

}  // namespace lskd::data
