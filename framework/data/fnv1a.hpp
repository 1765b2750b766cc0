// 64-bit FNV-1a, the digest lskd's data layer records of what it read (a corpus, an image folder's listing): not
// cryptographic, only a guard against reusing what was derived from other inputs.
#pragma once
#include <cstdint>
#include <string_view>

namespace lskd::data {

class Fnv1a64 {
public:
    void add(std::string_view bytes) {
        for (char c : bytes) h_ = (h_ ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
    }
    // An integer as 8 bytes, little-endian, whatever the machine's byte order.
    void add_size(std::uint64_t n) {
        for (int i = 0; i < 8; ++i) h_ = (h_ ^ ((n >> (8 * i)) & 0xFF)) * 0x100000001B3ULL;
    }
    // A string preceded by its length, so that concatenations cannot collide.
    void add_string(std::string_view s) {
        add_size(s.size());
        add(s);
    }
    std::uint64_t value() const { return h_; }

private:
    std::uint64_t h_ = 0xCBF29CE484222325ULL;
};

}  // namespace lskd::data
