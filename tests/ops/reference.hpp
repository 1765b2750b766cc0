// Naive reference loops (double accumulation) for the ops' forward and backward passes, in lskd's layouts:
// activations NHWC [N, H, W, C], conv weights OIHW.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include "framework/tensor/tensor.hpp"

namespace lskd::testing {

inline std::int64_t nhwc(const Shape& s, std::int64_t n, std::int64_t y, std::int64_t x, std::int64_t c) {
    return ((n * s[1] + y) * s[2] + x) * s[3] + c;
}
inline std::int64_t oihw(const Shape& s, std::int64_t o, std::int64_t i, std::int64_t y, std::int64_t x) {
    return ((o * s[1] + i) * s[2] + y) * s[3] + x;
}

// Max |a − b| / max(1, |b|) over all elements; the shapes must agree.
inline double max_rel_diff(const Tensor& a, const Tensor& b) {
    REQUIRE(a.shape() == b.shape());
    double worst = 0.0;
    for (std::int64_t i = 0; i < a.numel(); ++i)
        worst = std::max(worst,
                         std::abs(static_cast<double>(a.at(i)) - b.at(i)) / std::max(1.0, std::abs(double(b.at(i)))));
    return worst;
}

struct MatmulRef {
    Tensor c, ga, gb;
};

// c = s·a·op(b) [B, M, N] for a [B, M, K] and b [B, K, N] (op(b)[k, n] = b[n, k] when b is stored [B, N, K]), and
// for the seed g: ga = s·g·op(b)ᵀ and gb = s·aᵀ·g (stored transposed when b is), all accumulated in double.
inline MatmulRef matmul_reference(const Tensor& a, const Tensor& b, bool transpose_b, float s, const Tensor& g) {
    const std::int64_t batch = a.dim(0), m = a.dim(1), k = a.dim(2), n = b.dim(transpose_b ? 1 : 2);
    auto b_at = [&](std::int64_t i, std::int64_t kk, std::int64_t nn) {
        return transpose_b ? (i * n + nn) * k + kk : (i * k + kk) * n + nn;
    };
    MatmulRef r{Tensor::empty({batch, m, n}), Tensor::empty(a.shape()), Tensor::empty(b.shape())};
    std::vector<double> ga(static_cast<std::size_t>(a.numel())), gb(static_cast<std::size_t>(b.numel()));
    for (std::int64_t i = 0; i < batch; ++i)
        for (std::int64_t mm = 0; mm < m; ++mm)
            for (std::int64_t nn = 0; nn < n; ++nn) {
                double acc = 0.0;
                const double gc = static_cast<double>(s) * g.at((i * m + mm) * n + nn);
                for (std::int64_t kk = 0; kk < k; ++kk) {
                    const std::int64_t ai = (i * m + mm) * k + kk, bi = b_at(i, kk, nn);
                    acc += static_cast<double>(a.at(ai)) * b.at(bi);
                    ga[static_cast<std::size_t>(ai)] += gc * b.at(bi);
                    gb[static_cast<std::size_t>(bi)] += gc * a.at(ai);
                }
                r.c.at((i * m + mm) * n + nn) = static_cast<float>(s * acc);
            }
    for (std::int64_t i = 0; i < a.numel(); ++i) r.ga.at(i) = static_cast<float>(ga[static_cast<std::size_t>(i)]);
    for (std::int64_t i = 0; i < b.numel(); ++i) r.gb.at(i) = static_cast<float>(gb[static_cast<std::size_t>(i)]);
    return r;
}

struct ConvRef {
    Tensor y, gx, gw, gb;
};

// y = conv(x, w) + b with stride and symmetric zero padding; with g = dL/dy also the three gradients.
inline ConvRef conv2d_reference(const Tensor& x, const Tensor& w, const Tensor* b, std::int64_t stride,
                                std::int64_t pad, const Tensor* g = nullptr) {
    const Shape xs = x.shape(), ws = w.shape();
    const std::int64_t n = xs[0], h = xs[1], wd = xs[2], c = xs[3], o = ws[0], kh = ws[2], kw = ws[3];
    const std::int64_t ho = (h + 2 * pad - kh) / stride + 1, wo = (wd + 2 * pad - kw) / stride + 1;
    const Shape ys{n, ho, wo, o};
    ConvRef r;
    r.y = Tensor::empty(ys);
    std::vector<double> gx(static_cast<std::size_t>(x.numel()), 0.0), gw(static_cast<std::size_t>(w.numel()), 0.0),
        gb(static_cast<std::size_t>(o), 0.0);
    for (std::int64_t in = 0; in < n; ++in)
        for (std::int64_t oy = 0; oy < ho; ++oy)
            for (std::int64_t ox = 0; ox < wo; ++ox)
                for (std::int64_t oc = 0; oc < o; ++oc) {
                    double acc = b != nullptr ? b->at(oc) : 0.0;
                    const double go = g != nullptr ? g->at(nhwc(ys, in, oy, ox, oc)) : 0.0;
                    gb[static_cast<std::size_t>(oc)] += go;
                    for (std::int64_t ky = 0; ky < kh; ++ky)
                        for (std::int64_t kx = 0; kx < kw; ++kx) {
                            const std::int64_t iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                            for (std::int64_t ic = 0; ic < c; ++ic) {
                                const std::int64_t xi = nhwc(xs, in, iy, ix, ic), wi = oihw(ws, oc, ic, ky, kx);
                                acc += static_cast<double>(x.at(xi)) * w.at(wi);
                                gx[static_cast<std::size_t>(xi)] += go * w.at(wi);
                                gw[static_cast<std::size_t>(wi)] += go * x.at(xi);
                            }
                        }
                    r.y.at(nhwc(ys, in, oy, ox, oc)) = static_cast<float>(acc);
                }
    auto to_tensor = [](const std::vector<double>& v, const Shape& s) {
        Tensor t = Tensor::empty(s);
        for (std::int64_t i = 0; i < t.numel(); ++i) t.at(i) = static_cast<float>(v[static_cast<std::size_t>(i)]);
        return t;
    };
    if (g != nullptr) {
        r.gx = to_tensor(gx, xs);
        r.gw = to_tensor(gw, ws);
        r.gb = to_tensor(gb, {o});
    }
    return r;
}

struct PoolRef {
    Tensor y, gx;
};

// Max or average pooling (average divides by kernel², padding included) with a square window; with g also
// the input gradient (max: to the window's winner; average: g / kernel² to every in-bounds position).
inline PoolRef pool2d_reference(const Tensor& x, bool max, std::int64_t k, std::int64_t stride, std::int64_t pad,
                                const Tensor* g = nullptr) {
    const Shape xs = x.shape();
    const std::int64_t n = xs[0], h = xs[1], wd = xs[2], c = xs[3];
    const std::int64_t ho = (h + 2 * pad - k) / stride + 1, wo = (wd + 2 * pad - k) / stride + 1;
    const Shape ys{n, ho, wo, c};
    PoolRef r;
    r.y = Tensor::empty(ys);
    r.gx = Tensor::zeros(xs);
    for (std::int64_t in = 0; in < n; ++in)
        for (std::int64_t oy = 0; oy < ho; ++oy)
            for (std::int64_t ox = 0; ox < wo; ++ox)
                for (std::int64_t ch = 0; ch < c; ++ch) {
                    double acc = max ? -std::numeric_limits<double>::infinity() : 0.0;
                    std::int64_t best = -1;
                    const double go = g != nullptr ? g->at(nhwc(ys, in, oy, ox, ch)) : 0.0;
                    for (std::int64_t ky = 0; ky < k; ++ky)
                        for (std::int64_t kx = 0; kx < k; ++kx) {
                            const std::int64_t iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                            const std::int64_t xi = nhwc(xs, in, iy, ix, ch);
                            if (max) {
                                if (x.at(xi) > acc) acc = x.at(xi), best = xi;
                            } else {
                                acc += x.at(xi);
                                r.gx.at(xi) += static_cast<float>(go / static_cast<double>(k * k));
                            }
                        }
                    if (max) {
                        r.gx.at(best) += static_cast<float>(go);
                    } else {
                        acc /= static_cast<double>(k * k);
                    }
                    r.y.at(nhwc(ys, in, oy, ox, ch)) = static_cast<float>(acc);
                }
    return r;
}

}  // namespace lskd::testing
