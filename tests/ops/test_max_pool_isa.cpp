// The training max-pool kernels (framework/ops/max_pool_argmax.hpp) are compiled for the baseline x86-64, AVX2 and
// AVX-512F: every variant this CPU runs gives the baseline's bits (outputs, argmax, input gradients) on windows that
// tile and that overlap, with padding, channel counts across the 256-channel chunk, ties, NaN, ±0 and infinities;
// and the variant taken by default is the best one the CPU lists.
#include <bit>
#include <cstdint>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "framework/ops/max_pool_argmax.hpp"

using namespace lskd::ops::detail;

namespace {

struct Pooled {
    std::vector<std::uint32_t> y;  // the bits of the outputs and the input gradients
    std::vector<std::uint8_t> argmax;
    std::vector<std::uint32_t> gx;
};

std::vector<std::uint32_t> bits_of(const std::vector<float>& v) {
    std::vector<std::uint32_t> out;
    for (float f : v) out.push_back(std::bit_cast<std::uint32_t>(f));
    return out;
}

// Few distinct values, so that windows tie, with special values sprinkled in.
std::vector<float> special_values(std::size_t n, std::uint32_t seed) {
    const float specials[] = {std::numeric_limits<float>::quiet_NaN(), -0.0f, 0.0f,
                              std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity()};
    std::mt19937 rng(seed);
    std::vector<float> v(n);
    for (float& x : v) {
        const std::uint32_t r = rng() % 64;
        x = r < 5 ? specials[r] : static_cast<float>(static_cast<int>(r % 7) - 3) * 0.5f;
    }
    return v;
}

Pooled pool(const MaxPoolGeometry& g, bool relu, HostIsa isa) {
    const auto in = static_cast<std::size_t>(g.n * g.h * g.w * g.c),
               out = static_cast<std::size_t>(g.n * g.oh * g.ow * g.c);
    const std::vector<float> x = special_values(in, 7), gy = special_values(out, 8);
    std::vector<float> y(out), gx(in, 1.0f);
    Pooled p;
    p.argmax.resize(out);
    max_pool_forward_argmax(x.data(), y.data(), p.argmax.data(), g, relu, isa);
    max_pool_backward_argmax(gy.data(), p.argmax.data(), gx.data(), g, isa);
    p.y = bits_of(y);
    p.gx = bits_of(gx);
    return p;
}

MaxPoolGeometry geometry(std::int64_t n, std::int64_t h, std::int64_t w, std::int64_t c, std::int64_t k,
                         std::int64_t stride, std::int64_t pad) {
    return {n, h, w, c, (h + 2 * pad - k) / stride + 1, (w + 2 * pad - k) / stride + 1, k, k, stride, stride, pad, pad};
}

// Whether /proc/cpuinfo's first flags line lists `flag`.
bool cpu_lists(const std::string& flag) {
    std::ifstream info("/proc/cpuinfo");
    std::string line;
    while (std::getline(info, line))
        if (line.rfind("flags", 0) == 0) {
            std::istringstream words(line);
            std::string word;
            while (words >> word)
                if (word == flag) return true;
            return false;
        }
    return false;
}

}  // namespace

TEST_CASE("every max-pool variant the CPU runs gives the baseline's bits", "[ops][pool][isa]") {
    const MaxPoolGeometry shapes[] = {
        geometry(3, 8, 8, 32, 2, 2, 0),   // windows tile: gradients assigned
        geometry(2, 7, 9, 3, 3, 2, 1),    // overlapping windows with padding: gradients added
        geometry(2, 6, 6, 300, 2, 2, 0),  // channels past one 256-channel chunk
        geometry(1, 5, 5, 17, 5, 1, 2),   // a window wider than the stride, odd channels
    };
    for (const MaxPoolGeometry& g : shapes)
        for (const bool relu : {false, true}) {
            const Pooled baseline = pool(g, relu, HostIsa::baseline);
            for (const HostIsa isa : {HostIsa::avx2, HostIsa::avx512}) {
                if (static_cast<int>(isa) > static_cast<int>(best_host_isa())) {
                    WARN("SKIPPED: this CPU lacks the ISA of max-pool variant " << static_cast<int>(isa));
                    continue;
                }
                INFO("variant " << static_cast<int>(isa) << ", C = " << g.c << ", window " << g.kh << ", relu "
                                << relu);
                const Pooled p = pool(g, relu, isa);
                CHECK(p.y == baseline.y);
                CHECK(p.argmax == baseline.argmax);
                CHECK(p.gx == baseline.gx);
            }
        }
}

TEST_CASE("the max-pool variant taken by default is the best the CPU lists", "[ops][pool][isa]") {
    const HostIsa expected = cpu_lists("avx512f") ? HostIsa::avx512
                             : cpu_lists("avx2")  ? HostIsa::avx2
                                                  : HostIsa::baseline;
    CHECK(best_host_isa() == expected);
}
