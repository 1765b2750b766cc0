// Runs tests/data/torchvision_reference.py with Debian's /usr/bin/python3, which writes torchvision's and PIL's own
// answers for the image-folder and transform tests; a test skips visibly (WARN) when torchvision is not installed.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace lskd::data::testing {

bool torchvision_available();

// The script with these arguments; fails the test if it does not exit with 0.
void run_torchvision_reference(const std::vector<std::string>& args);

// A double as the script writes it (float.hex()).
double parse_hex_double(const std::string& text);

}  // namespace lskd::data::testing
