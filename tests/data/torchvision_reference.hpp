// Runs tests/data/torchvision_reference.py with Debian's /usr/bin/python3, which writes torchvision's and PIL's own
// answers for the image-folder and transform tests; a test skips visibly (WARN) when torchvision is not installed.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "framework/data/resized_crop.hpp"

namespace lskd::data::testing {

bool torchvision_available();

// The script with these arguments; fails the test if it does not exit with 0.
void run_torchvision_reference(const std::vector<std::string>& args);

// A double as the script writes it (float.hex()).
double parse_hex_double(const std::string& text);

// One random draw torchvision made, as the script logs it: "u LO HI VALUE" (uniform) or "r LO HI VALUE" (randint).
struct RecordedDraw {
    char kind;  // 'u' or 'r'
    double lo, hi, value;
};

RecordedDraw parse_draw(const std::string& line);

// Hands out recorded draws in order, checking that each is asked for with torchvision's kind and range.
class ReplayDraws final : public TransformDraws {
public:
    explicit ReplayDraws(std::vector<RecordedDraw> draws) : draws_(std::move(draws)) {}
    double uniform(double lo, double hi) override { return next('u', lo, hi); }
    std::int64_t randint(std::int64_t lo, std::int64_t hi) override;
    bool all_used() const { return used_ == draws_.size(); }

private:
    double next(char kind, double lo, double hi);
    std::vector<RecordedDraw> draws_;
    std::size_t used_ = 0;
};

}  // namespace lskd::data::testing
