#include "framework/data/cmudict_reader.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "framework/core/error.hpp"
#include "framework/data/corpus_hash.hpp"
#include "framework/data/file_bytes.hpp"
#include "framework/data/text_lines.hpp"

namespace lskd::data {
namespace {

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

// One entry line, read left to right; every mismatch names the column and what was expected there.
class EntryParser {
public:
    EntryParser(std::string_view text, const std::filesystem::path& file, std::size_t line)
        : text_(text), file_(file), line_(line) {}

    // The word and its phones without stress, space-separated.
    std::pair<std::string, std::string> parse() {
        expect("(\"", "an entry's opening '(\"'");
        const std::string word = quoted_word();
        expect(" ", "a space after the word");
        const std::string_view pos = run(is_lower_or_underscore);
        if (pos.empty()) error("a part-of-speech tag (nil, n, v, ...) after the word");
        expect(" (", "a space and '(' opening the syllables");
        std::string phones;
        do syllable(phones);
        while (take(' '));
        expect("))", "'))' closing the syllables and the entry");
        if (at_ < text_.size()) error("the end of the line after the entry");
        return {word, phones};
    }

private:
    static bool is_lower_or_underscore(char c) { return is_lower(c) || c == '_'; }

    // `((ph ph) stress)`: phones appended to `phones`, the stress digit checked and dropped.
    void syllable(std::string& phones) {
        expect("((", "'((' opening a syllable");
        do {
            const std::string_view phone = run(is_lower);
            if (phone.empty()) error("a phone (lower-case letters)");
            if (!phones.empty()) phones += ' ';
            phones += phone;
        } while (take(' '));
        expect(") ", "')' and a space after a syllable's phones");
        if (at_ >= text_.size() || text_[at_] < '0' || text_[at_] > '2') error("a stress digit 0, 1 or 2");
        ++at_;
        expect(")", "')' closing a syllable");
    }

    std::string quoted_word() {
        const std::size_t start = at_;
        while (at_ < text_.size() && text_[at_] != '"') {
            const auto c = static_cast<unsigned char>(text_[at_]);
            if (c <= ' ' || c == '\\' || c == 0x7F) error("a word without spaces, control characters or backslashes");
            ++at_;
        }
        if (at_ == start) error("a non-empty word");
        expect("\"", "the word's closing '\"'");
        return std::string(text_.substr(start, at_ - start - 1));
    }

    template <typename Pred>
    std::string_view run(Pred pred) {
        const std::size_t start = at_;
        while (at_ < text_.size() && pred(text_[at_])) ++at_;
        return text_.substr(start, at_ - start);
    }

    bool take(char c) {
        if (at_ >= text_.size() || text_[at_] != c) return false;
        ++at_;
        return true;
    }

    void expect(std::string_view s, std::string_view what) {
        if (text_.substr(at_, s.size()) != s) error(what);
        at_ += s.size();
    }

    [[noreturn]] void error(std::string_view expected) const {
        const std::string found = at_ < text_.size() ? fmt::format("'{}'", text_[at_]) : "the end of the line";
        fail("{}:{}: malformed entry: expected {} at column {}, found {}", file_.string(), line_, expected, at_ + 1,
             found);
    }

    std::string_view text_;
    const std::filesystem::path& file_;
    std::size_t line_;
    std::size_t at_ = 0;
};

}  // namespace

ParallelCorpus parse_cmudict(std::span<const std::uint8_t> bytes, const std::filesystem::path& file) {
    ParallelCorpus corpus;
    corpus.origin = file.string();
    std::unordered_map<std::string, std::size_t> example_of_word;
    for_each_line(bytes, file, [&](std::size_t number, std::string_view text) {
        if (number == 1) {
            if (text != "MNCL") fail("{}:1: expected the header line 'MNCL' of a Festival lexicon", file.string());
            return;
        }
        if (text.empty()) fail("{}:{}: empty line", file.string(), number);
        auto [word, phones] = EntryParser(text, file, number).parse();
        const auto [it, added] = example_of_word.try_emplace(word, corpus.examples.size());
        if (added) {
            corpus.examples.push_back({std::move(word), {std::move(phones)}});
            return;
        }
        auto& refs = corpus.examples[it->second].references;
        if (std::find(refs.begin(), refs.end(), phones) == refs.end()) refs.push_back(std::move(phones));
    });
    if (corpus.examples.empty())
        fail("{}: no dictionary entries (expected the header line 'MNCL', then one entry a line)", file.string());
    corpus.hash = parallel_corpus_hash(corpus.examples);
    return corpus;
}

ParallelCorpus read_cmudict(const std::filesystem::path& file) { return parse_cmudict(read_file_bytes(file), file); }

}  // namespace lskd::data
