#include "fixtures.hpp"

#include <atomic>
#include <fstream>
#include <stdexcept>

#include <unistd.h>
#include <zlib.h>

#include "framework/core/random.hpp"

namespace lskd::data::testing {
namespace {

void put_u32(Bytes& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

}  // namespace

TempDir::TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("lskd-data-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

Bytes idx_images_bytes(std::uint32_t n, std::uint32_t h, std::uint32_t w, std::span<const std::uint8_t> pixels) {
    Bytes out;
    put_u32(out, 0x00000803);
    put_u32(out, n);
    put_u32(out, h);
    put_u32(out, w);
    out.insert(out.end(), pixels.begin(), pixels.end());
    return out;
}

Bytes idx_labels_bytes(std::span<const std::uint8_t> labels) {
    Bytes out;
    put_u32(out, 0x00000801);
    put_u32(out, static_cast<std::uint32_t>(labels.size()));
    out.insert(out.end(), labels.begin(), labels.end());
    return out;
}

Bytes text_bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

Bytes gzip_bytes(std::span<const std::uint8_t> raw) {
    z_stream zs{};
    if (deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2 failed");
    Bytes out(deflateBound(&zs, static_cast<uLong>(raw.size())) + 32);
    zs.next_in = const_cast<Bytef*>(raw.data());
    zs.avail_in = static_cast<uInt>(raw.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    const int ret = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    if (ret != Z_STREAM_END) throw std::runtime_error("deflate did not finish");
    return out;
}

void write_file(const std::filesystem::path& file, std::span<const std::uint8_t> bytes) {
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!f) throw std::runtime_error("cannot write " + file.string());
}

Bytes read_whole_file(const std::filesystem::path& file) {
    std::ifstream f(file, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

ImageSet synthetic_set(std::size_t n, std::int64_t h, std::int64_t w, std::int64_t c, int classes, std::uint64_t seed) {
    ImageSet set;
    set.height = h;
    set.width = w;
    set.channels = c;
    set.pixels.resize(n * static_cast<std::size_t>(h * w * c));
    for (std::size_t i = 0; i < set.pixels.size(); ++i)
        set.pixels[i] = static_cast<std::uint8_t>(hash_keys(seed, {i}) >> 56);
    for (std::size_t i = 0; i < n; ++i) {
        set.labels.push_back(static_cast<std::int32_t>(i % static_cast<std::size_t>(classes)));
        set.original_index.push_back(static_cast<std::int64_t>(i));
    }
    return set;
}

void write_idx_dir(const std::filesystem::path& dir, const ImageSet& train, const ImageSet& test, bool gzip) {
    const auto write = [&](const std::string& base, const Bytes& raw) {
        write_file(dir / (gzip ? base + ".gz" : base), gzip ? gzip_bytes(raw) : raw);
    };
    for (const auto& [prefix, set] : {std::pair{"train", &train}, std::pair{"t10k", &test}}) {
        const Bytes labels(set->labels.begin(), set->labels.end());
        write(std::string(prefix) + "-images-idx3-ubyte",
              idx_images_bytes(static_cast<std::uint32_t>(set->size()), static_cast<std::uint32_t>(set->height),
                               static_cast<std::uint32_t>(set->width), set->pixels));
        write(std::string(prefix) + "-labels-idx1-ubyte", idx_labels_bytes(labels));
    }
}

DatasetSpec dataset_spec(const std::string& name, const std::filesystem::path& dir, std::size_t val_size) {
    DatasetSpec spec;
    spec.name = name;
    spec.dir = dir;
    spec.val_size = val_size;
    return spec;
}

Bytes cifar_bytes(const ImageSet& set, bool cifar100) {
    Bytes out;
    const std::size_t plane = static_cast<std::size_t>(set.height * set.width);
    for (std::size_t i = 0; i < set.size(); ++i) {
        if (cifar100) out.push_back(static_cast<std::uint8_t>(set.labels[i] % 20));
        out.push_back(static_cast<std::uint8_t>(set.labels[i]));
        const auto image = set.image(i);
        for (std::size_t ch = 0; ch < 3; ++ch)
            for (std::size_t p = 0; p < plane; ++p) out.push_back(image[p * 3 + ch]);
    }
    return out;
}

}  // namespace lskd::data::testing
