// libFuzzer harness of the IDX reader: the input is a label file and an image file (raw or gzip'd); every input
// must end in ImageSet or lskd::Error, never a crash, a leak or undefined behaviour.
#include <cstdint>
#include <span>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/data/file_bytes.hpp"
#include "framework/data/idx_reader.hpp"

// Layout: 2 bytes (little-endian) of label-file length, the label file, then the image file.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::span<const std::uint8_t> bytes(data + 2, size - 2);
    const std::size_t label_size = std::min<std::size_t>(data[0] | (data[1] << 8), bytes.size());
    const auto labels = bytes.first(label_size);
    const auto images = bytes.subspan(label_size);
    try {
        std::vector<std::uint8_t> image_file = lskd::data::is_gzip(images)
                                                   ? lskd::data::gunzip(images, "images.gz")
                                                   : std::vector<std::uint8_t>(images.begin(), images.end());
        lskd::data::parse_idx(std::move(image_file), labels, "images", "labels", {});
    } catch (const lskd::Error&) {
    }
    return 0;
}
