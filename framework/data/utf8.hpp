// UTF-8 validity as RFC 3629 defines it: shortest forms only, no surrogates, nothing above U+10FFFF.
#pragma once
#include <string_view>

namespace lskd::data {

bool is_valid_utf8(std::string_view text);

}  // namespace lskd::data
