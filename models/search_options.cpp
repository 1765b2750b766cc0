#include "models/search_options.hpp"

#include <cmath>

#include "framework/core/error.hpp"

namespace lskd::models {

void check_search_options(const SearchOptions& o) {
    if (o.beam < 1) fail("search: beam must be at least 1, got {}", o.beam);
    if (!(o.temperature > 0.0f) || !std::isfinite(o.temperature))
        fail("search: temperature must be positive and finite, got {}", o.temperature);
    if (!(o.length_alpha >= 0.0f) || !std::isfinite(o.length_alpha))
        fail("search: length_alpha must be non-negative and finite, got {}", o.length_alpha);
    if (!(o.max_length_a >= 0.0) || !std::isfinite(o.max_length_a))
        fail("search: max_length_a must be non-negative and finite, got {}", o.max_length_a);
    if (o.max_length_b < 0) fail("search: max_length_b must be non-negative, got {}", o.max_length_b);
    if (o.min_length < 0) fail("search: min_length must be non-negative, got {}", o.min_length);
}

LengthNorm length_norm_from_name(const std::string& name) {
    if (name == "none") return LengthNorm::none;
    if (name == "fairseq") return LengthNorm::fairseq;
    if (name == "gnmt") return LengthNorm::gnmt;
    fail("search: unknown length normalisation '{}' (expected none, fairseq or gnmt)", name);
}

std::int64_t max_target_length(std::int64_t source_length, const SearchOptions& options) {
    if (source_length < 0) fail("search: a source length is negative ({})", source_length);
    return static_cast<std::int64_t>(options.max_length_a * static_cast<double>(source_length)) + options.max_length_b;
}

float normalised_score(float raw_score, std::int64_t length, const SearchOptions& options) {
    const double n = static_cast<double>(length);
    switch (options.length_norm) {
        case LengthNorm::none: return raw_score;
        case LengthNorm::fairseq: return static_cast<float>(raw_score / std::pow(n, options.length_alpha));
        case LengthNorm::gnmt: return static_cast<float>(raw_score / std::pow((5.0 + n) / 6.0, options.length_alpha));
    }
    fail("search: unknown length normalisation {}", static_cast<int>(options.length_norm));
}

}  // namespace lskd::models
