// libFuzzer harness of the .mo reader: the input is the catalogue's bytes; every input must end in a catalogue or
// lskd::Error, never a crash, a leak or undefined behaviour.
#include <cstdint>
#include <span>

#include "framework/core/error.hpp"
#include "framework/data/mo_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        lskd::data::parse_mo(std::span<const std::uint8_t>(data, size), "fuzz.mo");
    } catch (const lskd::Error&) {
    }
    return 0;
}
