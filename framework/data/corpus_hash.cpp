#include "framework/data/corpus_hash.hpp"

#include <cstdint>
#include <string_view>

#include <fmt/format.h>

namespace lskd::data {
namespace {

class Fnv1a {
public:
    void bytes(std::string_view s) {
        for (const char c : s) {
            h_ ^= static_cast<std::uint8_t>(c);
            h_ *= 0x100000001b3ULL;
        }
    }
    // Lengths go in first, so that ("ab", "c") and ("a", "bc") differ; little-endian on every machine.
    void length(std::uint64_t n) {
        for (int i = 0; i < 8; ++i) {
            h_ ^= (n >> (8 * i)) & 0xff;
            h_ *= 0x100000001b3ULL;
        }
    }
    void field(std::string_view s) {
        length(s.size());
        bytes(s);
    }
    std::uint64_t value() const { return h_; }

private:
    std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

}  // namespace

std::string corpus_hash(std::span<const ParallelExample> examples) {
    Fnv1a h;
    for (const ParallelExample& e : examples) {
        h.field(e.source);
        h.length(e.references.size());
        for (const std::string& r : e.references) h.field(r);
    }
    return fmt::format("{:016x}", h.value());
}

}  // namespace lskd::data
