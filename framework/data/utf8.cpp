#include "framework/data/utf8.hpp"

#include <cstdint>

namespace lskd::data {
namespace {

// The length of the sequence led by `lead` and the range its second byte must lie in (which excludes overlong
// forms, surrogates and code points past U+10FFFF); 0 for a byte that cannot lead.
struct Lead {
    int length;
    std::uint8_t second_min, second_max;
};

Lead lead_of(std::uint8_t b) {
    if (b < 0x80) return {1, 0, 0};
    if (b >= 0xc2 && b <= 0xdf) return {2, 0x80, 0xbf};
    if (b == 0xe0) return {3, 0xa0, 0xbf};
    if (b == 0xed) return {3, 0x80, 0x9f};
    if (b >= 0xe1 && b <= 0xef) return {3, 0x80, 0xbf};
    if (b == 0xf0) return {4, 0x90, 0xbf};
    if (b >= 0xf1 && b <= 0xf3) return {4, 0x80, 0xbf};
    if (b == 0xf4) return {4, 0x80, 0x8f};
    return {0, 0, 0};
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const Lead lead = lead_of(static_cast<std::uint8_t>(text[i]));
        if (lead.length == 0 || text.size() - i < static_cast<std::size_t>(lead.length)) return false;
        if (lead.length > 1) {
            const auto second = static_cast<std::uint8_t>(text[i + 1]);
            if (second < lead.second_min || second > lead.second_max) return false;
            for (int k = 2; k < lead.length; ++k)
                if ((static_cast<std::uint8_t>(text[i + k]) & 0xc0) != 0x80) return false;
        }
        i += static_cast<std::size_t>(lead.length);
    }
    return true;
}

}  // namespace lskd::data
