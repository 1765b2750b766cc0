#include "pil_reference.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>

namespace lskd::data::testing {

bool pil_available() {
    static const bool available = std::system("/usr/bin/python3 -c 'import PIL' 2>/dev/null") == 0;
    return available;
}

RgbImage pil_decode(const std::filesystem::path& file, const std::string& mode) {
    const std::filesystem::path out = file.string() + ".pil";
    const std::string command = fmt::format("/usr/bin/python3 {}/tests/data/pil_decode.py '{}' '{}' {}",
                                            LSKD_SOURCE_DIR, file.string(), out.string(), mode);
    if (std::system(command.c_str()) != 0) throw std::runtime_error("PIL failed: " + command);
    std::ifstream in(out, std::ios::binary);
    RgbImage image;
    int w = 0, h = 0;
    in >> w >> h;
    in.get();  // the newline
    image.resize(w, h);
    in.read(reinterpret_cast<char*>(image.pixels.data()), static_cast<std::streamsize>(image.pixels.size()));
    if (!in) throw std::runtime_error("short PIL output: " + out.string());
    return image;
}

int max_abs_diff(const RgbImage& a, const RgbImage& b) {
    if (a.width != b.width || a.height != b.height) return -1;
    int worst = 0;
    for (std::size_t i = 0; i < a.pixels.size(); ++i) worst = std::max(worst, std::abs(a.pixels[i] - b.pixels[i]));
    return worst;
}

}  // namespace lskd::data::testing
