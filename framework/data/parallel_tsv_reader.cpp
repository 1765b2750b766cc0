#include "framework/data/parallel_tsv_reader.hpp"

#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/data/corpus_hash.hpp"
#include "framework/data/file_bytes.hpp"
#include "framework/data/text_lines.hpp"

namespace lskd::data {
namespace {

ParallelExample parse_row(std::string_view text, const std::filesystem::path& file, std::size_t number) {
    if (text.empty()) fail("{}:{}: empty line (expected source<TAB>target)", file.string(), number);
    if (text.find('\t') == std::string_view::npos)
        fail("{}:{}: no tab: expected source<TAB>target[<TAB>more references]", file.string(), number);
    std::vector<std::string> fields;
    for (std::size_t start = 0;;) {
        const std::size_t tab = text.find('\t', start);
        fields.emplace_back(text.substr(start, tab == std::string_view::npos ? tab : tab - start));
        if (fields.back().empty())
            fail("{}:{}: field {} is empty ({})", file.string(), number, fields.size(),
                 fields.size() == 1   ? "the source"
                 : fields.size() == 2 ? "the target"
                                      : "a reference");
        if (tab == std::string_view::npos) break;
        start = tab + 1;
    }
    ParallelExample example;
    example.source = std::move(fields.front());
    example.references.assign(std::make_move_iterator(fields.begin() + 1), std::make_move_iterator(fields.end()));
    return example;
}

}  // namespace

ParallelCorpus parse_parallel_tsv(std::span<const std::uint8_t> bytes, const std::filesystem::path& file) {
    ParallelCorpus corpus;
    corpus.origin = file.string();
    for_each_line(bytes, file, [&](std::size_t number, std::string_view text) {
        corpus.examples.push_back(parse_row(text, file, number));
    });
    if (corpus.examples.empty()) fail("{}: no examples", file.string());
    corpus.hash = parallel_corpus_hash(corpus.examples);
    return corpus;
}

ParallelCorpus read_parallel_tsv(const std::filesystem::path& file) {
    return parse_parallel_tsv(read_file_bytes(file), file);
}

}  // namespace lskd::data
