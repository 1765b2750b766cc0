// Reads parallel text as UTF-8 TSV, one example a line: `source<TAB>target[<TAB>another reference]...`, fields
// taken verbatim (no trimming, no unescaping), duplicate lines kept as separate examples. Lines follow
// text_lines.hpp (CRLF read as LF, any other '\r' an error). A line without a tab, an empty field, an empty line or
// invalid UTF-8 is an Error "<file>:<line>: ..." saying what is wrong.
#pragma once
#include <cstdint>
#include <filesystem>
#include <span>

#include "framework/data/parallel_text.hpp"

namespace lskd::data {

// The file, raw or gzip'd; origin = its path, hash = parallel_corpus_hash of the examples.
ParallelCorpus read_parallel_tsv(const std::filesystem::path& file);

// The parsing half on bytes already in memory (decompressed); `file` only names them in errors and the origin.
ParallelCorpus parse_parallel_tsv(std::span<const std::uint8_t> bytes, const std::filesystem::path& file);

}  // namespace lskd::data
