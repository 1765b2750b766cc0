#include "distill/targets.hpp"

#include <algorithm>
#include <cmath>

#include "framework/core/error.hpp"
#include "framework/data/vocabulary.hpp"

namespace lskd::distill {

void smoothed_targets(std::span<const std::int32_t> labels, double alpha, Tensor& out) {
    const std::int64_t n = out.dim(0), k = out.dim(1);
    LSKD_CHECK(static_cast<std::int64_t>(labels.size()) == n, "{} labels for {} target rows", labels.size(), n);
    const float off = static_cast<float>(alpha / static_cast<double>(k));
    const float on = static_cast<float>(1.0 - alpha + alpha / static_cast<double>(k));
    out.fill(off);
    for (std::int64_t i = 0; i < n; ++i) {
        const std::int32_t y = labels[static_cast<std::size_t>(i)];
        LSKD_CHECK(y >= 0 && y < k, "label {} outside [0, {})", y, k);
        out.at(i * k + y) = on;
    }
}

void smoothed_token_targets(std::span<const std::int32_t> targets, double alpha, Tensor& out,
                            std::span<float> weights) {
    const std::int64_t n = out.dim(0), v = out.dim(1);
    LSKD_CHECK(static_cast<std::int64_t>(targets.size()) == n && weights.size() == targets.size(),
               "{} targets and {} weights for {} rows", targets.size(), weights.size(), n);
    LSKD_CHECK(v > 2, "a vocabulary of {} ids has no token beside PAD and BOS", v);
    const float off = static_cast<float>(alpha / static_cast<double>(v - 2));
    const float on = static_cast<float>(1.0 - alpha) + off;
    for (std::int64_t i = 0; i < n; ++i) {
        const std::int32_t t = targets[static_cast<std::size_t>(i)];
        LSKD_CHECK(t >= 0 && t < v && t != data::kBosId, "target id {} is not a token of [2, {})", t, v);
        float* q = out.data() + i * v;
        const bool pad = t == data::kPadId;
        weights[static_cast<std::size_t>(i)] = pad ? 0.0f : 1.0f;
        std::fill(q, q + v, pad ? 0.0f : off);
        if (pad) continue;
        q[data::kPadId] = q[data::kBosId] = 0.0f;
        q[t] = on;
    }
}

void softened_targets(const Tensor& teacher_logits, double temperature, Tensor& out) {
    LSKD_CHECK(teacher_logits.shape() == out.shape(), "teacher logits {} vs targets {}", teacher_logits.shape().str(),
               out.shape().str());
    const std::int64_t n = out.dim(0), k = out.dim(1);
    const double inv_t = 1.0 / temperature;
    for (std::int64_t i = 0; i < n; ++i) {
        const float* z = teacher_logits.data() + i * k;
        float* q = out.data() + i * k;
        const float top = *std::max_element(z, z + k);
        double total = 0.0;
        for (std::int64_t j = 0; j < k; ++j) total += std::exp((static_cast<double>(z[j]) - top) * inv_t);
        for (std::int64_t j = 0; j < k; ++j)
            q[j] = static_cast<float>(std::exp((static_cast<double>(z[j]) - top) * inv_t) / total);
    }
}

}  // namespace lskd::distill
