// Reads CIFAR binary batches, raw or gzip'd: CIFAR-10 records are 1 label byte + 3072 pixel bytes, CIFAR-100
// records are coarse + fine label bytes + 3072 (the fine label is kept). Pixels are CHW 3x32x32 on disk and
// HWC in the returned ImageSet; original indices run on across the files in the order given.
#pragma once
#include <cstdint>
#include <filesystem>
#include <span>

#include "framework/data/image_set.hpp"

namespace lskd::data {

enum class CifarKind { cifar10, cifar100 };

ImageSet read_cifar(std::span<const std::filesystem::path> files, CifarKind kind);

// The parsing half of read_cifar: appends the records in `bytes` (one file's contents, decompressed) to a 32x32x3
// `set`, numbering them on from set.size(); `file` only names them in errors.
void append_cifar(ImageSet& set, std::span<const std::uint8_t> bytes, const std::filesystem::path& file,
                  CifarKind kind);

}  // namespace lskd::data
