// libFuzzer harness of the TSV parallel text reader: the input is a TSV file (raw or gzip'd); every input must end
// in a ParallelCorpus or lskd::Error, never a crash, a leak or undefined behaviour. Each corpus read is also encoded
// through char vocabularies built on it, which must take back every text they were built from.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/data/char_vocabulary.hpp"
#include "framework/data/encoded_corpus.hpp"
#include "framework/data/file_bytes.hpp"
#include "framework/data/parallel_tsv_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> bytes(data, size);
    lskd::data::ParallelCorpus corpus;
    try {
        const std::vector<std::uint8_t> file = lskd::data::is_gzip(bytes)
                                                   ? lskd::data::gunzip(bytes, "pairs.tsv.gz")
                                                   : std::vector<std::uint8_t>(bytes.begin(), bytes.end());
        corpus = lskd::data::parse_parallel_tsv(file, "pairs.tsv");
    } catch (const lskd::Error&) {
        return 0;
    }
    const auto sources = lskd::data::source_texts(corpus);
    const auto vocabulary = lskd::data::CharVocabulary::build(sources);
    for (const auto& text : sources)
        if (vocabulary.decode(vocabulary.encode(text)) != text) std::abort();
    return 0;
}
