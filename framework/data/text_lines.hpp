// The lines of a text file for the line-based readers (the CMU dictionary, TSV parallel text). '\n' ends a line and
// a '\r' just before it is dropped, so CRLF files read as LF files; the last line may lack its '\n'; a leading UTF-8
// byte order mark is skipped. A '\r' anywhere else, a NUL byte or invalid UTF-8 is an Error "<file>:<line>: ...".
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string_view>

namespace lskd::data {

// Calls `line` with each line's 1-based number and its text (without the line ending), in file order.
void for_each_line(std::span<const std::uint8_t> bytes, const std::filesystem::path& file,
                   const std::function<void(std::size_t number, std::string_view text)>& line);

}  // namespace lskd::data
