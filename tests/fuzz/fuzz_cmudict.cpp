// libFuzzer harness of the CMU dictionary reader: the input is a dictionary file (raw or gzip'd); every input must
// end in a ParallelCorpus or lskd::Error, never a crash, a leak or undefined behaviour.
#include <cstdint>
#include <span>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/data/cmudict_reader.hpp"
#include "framework/data/file_bytes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> bytes(data, size);
    try {
        const std::vector<std::uint8_t> file = lskd::data::is_gzip(bytes)
                                                   ? lskd::data::gunzip(bytes, "cmudict.out.gz")
                                                   : std::vector<std::uint8_t>(bytes.begin(), bytes.end());
        lskd::data::parse_cmudict(file, "cmudict.out");
    } catch (const lskd::Error&) {
    }
    return 0;
}
