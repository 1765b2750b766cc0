// Reads a whole file into memory, gunzipping it when it starts with the gzip magic bytes, so every reader
// accepts raw and .gz files alike. Throws lskd::Error naming the file for a missing, empty or corrupt file.
#pragma once
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace lskd::data {

std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& file);

// The raw bytes of `file` (never gunzipped) into `bytes`, reusing its capacity: for readers of many files that
// must not allocate once their buffer is large enough. Errors name the file.
void read_file_into(const char* file, std::vector<std::uint8_t>& bytes);

// The gzip stream (one or more members) in `compressed`, inflated; `file` only names it in errors.
std::vector<std::uint8_t> gunzip(std::span<const std::uint8_t> compressed, const std::filesystem::path& file);

bool is_gzip(std::span<const std::uint8_t> bytes);

}  // namespace lskd::data
