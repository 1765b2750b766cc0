// Reads MNIST-layout IDX pairs, raw or gzip'd: images u8 [N,H,W] (magic 0x00000803) and labels u8 [N]
// (magic 0x00000801), into a one-channel ImageSet. Any malformed input is one lskd::Error naming the file.
#pragma once
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "framework/data/image_set.hpp"

namespace lskd::data {

struct IdxExpectations {
    std::int64_t height = 0;  // 0 accepts any image size
    std::int64_t width = 0;
    int num_classes = 256;  // labels must lie in [0, num_classes)
};

ImageSet read_idx(const std::filesystem::path& images, const std::filesystem::path& labels,
                  const IdxExpectations& expect = {});

// The parsing half of read_idx on bytes already in memory (decompressed); the paths only name them in errors.
ImageSet parse_idx(std::vector<std::uint8_t> image_file, std::span<const std::uint8_t> label_file,
                   const std::filesystem::path& images, const std::filesystem::path& labels,
                   const IdxExpectations& expect = {});

}  // namespace lskd::data
