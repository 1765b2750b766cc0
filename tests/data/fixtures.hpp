// Test fixtures for the data layer: temporary directories and small files written in the exact IDX and CIFAR
// byte formats, raw or gzip'd, so the readers are tested without any downloaded data.
#pragma once
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/data/dataset.hpp"
#include "framework/data/image_set.hpp"

namespace lskd::data::testing {

using Bytes = std::vector<std::uint8_t>;

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

Bytes idx_images_bytes(std::uint32_t n, std::uint32_t h, std::uint32_t w, std::span<const std::uint8_t> pixels);
Bytes idx_labels_bytes(std::span<const std::uint8_t> labels);
// The bytes of a text, as a text reader gets them from a file.
Bytes text_bytes(std::string_view text);
// A gzip stream of `raw` (one member).
Bytes gzip_bytes(std::span<const std::uint8_t> raw);
void write_file(const std::filesystem::path& file, std::span<const std::uint8_t> bytes);
Bytes read_whole_file(const std::filesystem::path& file);

// A deterministic synthetic set: pixel values from a hash of (seed, index, byte), labels cycling through the
// classes (so every class has n / classes examples), original indices 0..n-1.
ImageSet synthetic_set(std::size_t n, std::int64_t h, std::int64_t w, std::int64_t c, int classes, std::uint64_t seed);

// Writes the four MNIST-layout files of `train` and `test` (one-channel sets) into `dir`, gzip'd or raw.
void write_idx_dir(const std::filesystem::path& dir, const ImageSet& train, const ImageSet& test, bool gzip);

// A DatasetSpec without designated initialisers, which GCC 12 flags under -Wextra when fields are left out.
DatasetSpec dataset_spec(const std::string& name, const std::filesystem::path& dir, std::size_t val_size);

// CIFAR records of a three-channel 32x32 set: label byte(s) then the pixels in CHW order. For CIFAR-100 the coarse
// label is written as label % 20.
Bytes cifar_bytes(const ImageSet& set, bool cifar100);

// The message of the lskd::Error that `f` throws, or "" if it returns; any other exception escapes, failing the
// test, since bad input must always surface as lskd::Error.
template <typename F>
std::string error_message(F&& f) {
    try {
        f();
    } catch (const lskd::Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace lskd::data::testing
