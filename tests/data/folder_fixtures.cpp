#include "folder_fixtures.hpp"

#include <fmt/format.h>

#include "fixtures.hpp"
#include "image_fixtures.hpp"

namespace lskd::data::testing {
namespace {

// Far-apart colours, so that classes differ in their mean colour.
constexpr std::uint8_t kTints[][3] = {{230, 40, 40}, {40, 200, 40}, {40, 60, 230}, {220, 220, 40}, {200, 40, 200}};

ImageBytes tinted(int width, int height, std::size_t k, std::uint64_t seed) {
    ImageBytes p = photo_pixels(width, height, 3, seed);
    const std::uint8_t* tint = kTints[k % std::size(kTints)];
    for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<std::uint8_t>((p[i] + 3 * tint[i % 3]) / 4);
    return p;
}

ImageBytes encode(const ImageBytes& pixels, int width, int height, bool jpeg) {
    if (jpeg) {
        JpegSpec s;
        s.width = width;
        s.height = height;
        s.pixels = pixels;
        return encode_jpeg(s);
    }
    PngSpec s;
    s.width = width;
    s.height = height;
    s.samples.assign(pixels.begin(), pixels.end());
    return encode_png(s);
}

}  // namespace

std::vector<std::filesystem::path> write_image_tree(const std::filesystem::path& root, const FolderFixture& f) {
    std::vector<std::filesystem::path> files;
    for (std::size_t k = 0; k < f.classes.size(); ++k) {
        std::filesystem::create_directories(root / f.classes[k]);
        for (int i = 0; i < f.per_class; ++i) {
            const bool jpeg = i % 3 == 2, turned = i % 2 == 1;
            const int w = turned ? f.height : f.width, h = turned ? f.width : f.height;
            const std::uint64_t seed = f.seed * 1000003 + k * 1009 + static_cast<std::uint64_t>(i);
            const auto file = root / f.classes[k] / fmt::format("{}_{:04}.{}", f.classes[k], i, jpeg ? "jpg" : "png");
            write_file(file, encode(tinted(w, h, k, seed), w, h, jpeg));
            files.push_back(file);
        }
    }
    return files;
}

}  // namespace lskd::data::testing
