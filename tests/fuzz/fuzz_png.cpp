// libFuzzer harness of the PNG decoder, seeded with PNG files (tests/fuzz/corpus/fuzz_png/); the body is shared
// with the other image harness (decode_image_input.hpp), since both go through the one ImageDecoder entry point.
#include <cstddef>
#include <cstdint>

#include "decode_image_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    lskd::fuzzing::decode_image_input({data, size});
    return 0;
}
