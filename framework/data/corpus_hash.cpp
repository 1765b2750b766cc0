#include "framework/data/corpus_hash.hpp"

#include <cstdint>
#include <string_view>

#include <fmt/format.h>

namespace lskd::data {
namespace {

class Fnv1a64 {
public:
    void add(std::string_view bytes) {
        for (char c : bytes) h_ = (h_ ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
    }
    void add_size(std::uint64_t n) {
        for (int i = 0; i < 8; ++i) h_ = (h_ ^ ((n >> (8 * i)) & 0xFF)) * 0x100000001B3ULL;
    }
    void add_string(std::string_view s) {
        add_size(s.size());
        add(s);
    }
    std::uint64_t value() const { return h_; }

private:
    std::uint64_t h_ = 0xCBF29CE484222325ULL;
};

}  // namespace

std::string parallel_corpus_hash(std::span<const ParallelExample> examples) {
    Fnv1a64 h;
    h.add_size(examples.size());
    for (const ParallelExample& e : examples) {
        h.add_string(e.source);
        h.add_size(e.references.size());
        for (const std::string& r : e.references) h.add_string(r);
    }
    return fmt::format("{:016x}", h.value());
}

}  // namespace lskd::data
