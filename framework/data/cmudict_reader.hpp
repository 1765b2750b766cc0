// Reads Festival's CMU dictionary (Debian's festlex-cmu, `cmudict-0.4.out`): a `MNCL` header line, then one entry
// a line, `("word" pos (((ph ph) stress) ((ph) stress)))`, pos `nil` or a tag such as `n`, `v`, `dt`, stress a digit.
// Into a ParallelCorpus for grapheme-to-phoneme studies: source = the word as written, references = its
// pronunciations as space-separated phones with stress and syllables removed; the entries of one word (homographs,
// part-of-speech variants) become one example whose references keep file order without duplicates, examples in the
// order their words first appear. Any malformed line is an Error "<file>:<line>: ..." saying what is wrong.
#pragma once
#include <cstdint>
#include <filesystem>
#include <span>

#include "framework/data/parallel_text.hpp"

namespace lskd::data {

// Where Debian's festlex-cmu installs the dictionary.
inline constexpr const char* kFestivalCmudictPath = "/usr/share/festival/dicts/cmu/cmudict-0.4.out";

// The file, raw or gzip'd; origin = its path, hash = parallel_corpus_hash of the examples.
ParallelCorpus read_cmudict(const std::filesystem::path& file);

// The parsing half on bytes already in memory (decompressed); `file` only names them in errors and the origin.
ParallelCorpus parse_cmudict(std::span<const std::uint8_t> bytes, const std::filesystem::path& file);

}  // namespace lskd::data
