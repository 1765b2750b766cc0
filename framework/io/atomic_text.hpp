// Atomic text output: writes a whole text file (a CSV table, a report) under a temporary name beside its
// target, fsyncs it and renames it into place, so a reader sees the old file or the new one, never half.
#pragma once
#include <string>
#include <string_view>

namespace lskd::io {

// Replaces the file at `path` with `text` (refused if `path` exists and is not a regular file:
// io::check_replaceable); `path` keeps its old contents if anything throws. Errors name
// `path` (the output the user asked for), not the temporary file.
void write_text_atomic(const std::string& path, std::string_view text);

// The first half of write_text_atomic: `text` written to the temporary name of `path` and closed, not yet synced;
// returns that name. The caller moves it into place (io::move_into_place) or deletes it.
std::string write_text_temporary(const std::string& path, std::string_view text);

}  // namespace lskd::io
