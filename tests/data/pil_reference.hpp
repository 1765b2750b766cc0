// PIL as the reference decoder of the image tests: tests/data/pil_decode.py run by Debian's /usr/bin/python3.
// Tests call pil_available() first and skip with a visible WARN when PIL is missing.
#pragma once
#include <filesystem>
#include <string>

#include "framework/data/rgb_image.hpp"

namespace lskd::data::testing {

bool pil_available();

// PIL's RGB decode of `file` in `mode` ("rgb", "exif" or "draft S"; see pil_decode.py).
RgbImage pil_decode(const std::filesystem::path& file, const std::string& mode);

// The largest absolute difference between two images' samples; -1 when their sizes differ.
int max_abs_diff(const RgbImage& a, const RgbImage& b);

}  // namespace lskd::data::testing
