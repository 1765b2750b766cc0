// Which gettext messages become translation pairs of the gettext corpora, and how their text is cleaned.
// Format directives (%s, %1$s, %<...%>, {0}) are kept: a translation carries them over, and dropping every message
// with one would leave mostly short, directive-free messages. Accelerator markers are removed.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "framework/data/mo_reader.hpp"

namespace lskd::data {

inline constexpr int kMinMessageWords = 4;
inline constexpr int kMaxMessageWords = 30;

// `text` without accelerator markers (an `_` or `&` before a letter or digit, not inside a word: "_Open",
// "&Datei"; "snake_case", "&&" and entities such as "&amp;" stay), every run of spaces and tabs made one space
// (column layout, which SentencePiece would not give back), and without surrounding whitespace, so that a message
// ending in a newline counts as one line.
std::string clean_message(std::string_view text);

// Whitespace-separated words.
int count_words(std::string_view text);

// Whether a cleaned (source, target) pair is kept: both one line of 4..30 words, and the target differs from the
// source (an untranslated message teaches copying).
bool keep_message_pair(std::string_view source, std::string_view target);

// The cleaned pairs one entry offers before filtering: (msgid, msgstr[0]) and, for a plural entry with exactly two
// forms (the English and German rule, n != 1), (msgid_plural, msgstr[1]). The context is not part of the text.
std::vector<std::pair<std::string, std::string>> entry_pairs(const MoEntry& entry);

}  // namespace lskd::data
