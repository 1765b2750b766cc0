// Every oneDNN implementation of the forward convolutions of resnet-20 and lenet (batch 128), in f32 and in bf16
// (bf16 source and weights, f32 output, as lskd's bf16 path runs them), on nhwc, blocked and `any` source layouts:
// which kernel is fastest on this CPU and what bf16 buys over f32 (docs/speed.md, "bf16 mixed precision"). Reference
// kernels are skipped. A plain timing main, run by hand: OMP_NUM_THREADS=1 build/bench/bench_conv_kernels [reps]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

namespace {

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

struct ConvShape {
    const char* model;
    int ic, oc, side, kernel, stride, pad;
    int out_side() const { return (side + 2 * pad - kernel) / stride + 1; }
    double flops(int batch) const { return 2.0 * batch * oc * out_side() * out_side() * ic * kernel * kernel; }
};

constexpr int kBatch = 128;
const ConvShape kShapes[] = {{"resnet-20", 3, 16, 32, 3, 1, 1},  {"resnet-20", 16, 16, 32, 3, 1, 1},
                             {"resnet-20", 16, 32, 32, 3, 2, 1}, {"resnet-20", 32, 32, 16, 3, 1, 1},
                             {"resnet-20", 64, 64, 8, 3, 1, 1},  {"lenet", 1, 32, 28, 5, 1, 2},
                             {"lenet", 32, 64, 14, 5, 1, 2}};

engine& cpu() {
    static engine e(engine::kind::cpu, 0);
    return e;
}

// Median milliseconds of `reps` runs after one warm-up run.
double median_ms(const primitive& p, const std::unordered_map<int, memory>& args, int reps) {
    stream s(cpu());
    p.execute(s, args);
    s.wait();
    std::vector<double> ms;
    for (int i = 0; i < reps; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        p.execute(s, args);
        s.wait();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::nth_element(ms.begin(), ms.begin() + reps / 2, ms.end());
    return ms[reps / 2];
}

convolution_forward::primitive_desc first_desc(const ConvShape& s, dt type, tag layout) {
    const int o = s.out_side();
    const memory::desc src({kBatch, s.ic, s.side, s.side}, type, layout);
    const memory::desc wei({s.oc, s.ic, s.kernel, s.kernel}, type, tag::any);
    const memory::desc bias({s.oc}, dt::f32, tag::a);
    const memory::desc dst({kBatch, s.oc, o, o}, dt::f32, layout);
    return {{prop_kind::forward_inference,
             algorithm::convolution_direct,
             src,
             wei,
             bias,
             dst,
             {s.stride, s.stride},
             {s.pad, s.pad},
             {s.pad, s.pad}},
            cpu()};
}

// Times every non-reference implementation of one shape, type and layout; returns the fastest time (0 if none).
double time_implementations(const ConvShape& s, dt type, const char* layout_name, tag layout, int reps) {
    double best = 0.0;
    try {
        auto pd = first_desc(s, type, layout);
        do {
            const std::string impl = pd.impl_info_str();
            if (impl.find("ref") != std::string::npos) continue;
            const std::unordered_map<int, memory> args{{DNNL_ARG_SRC, memory(pd.src_desc(), cpu())},
                                                       {DNNL_ARG_WEIGHTS, memory(pd.weights_desc(), cpu())},
                                                       {DNNL_ARG_BIAS, memory(pd.bias_desc(), cpu())},
                                                       {DNNL_ARG_DST, memory(pd.dst_desc(), cpu())}};
            const double ms = median_ms(convolution_forward(pd), args, reps);
            std::printf("  %-4s %-8s %-28s %8.3f ms %6.1f GFLOP/s\n", type == dt::f32 ? "f32" : "bf16", layout_name,
                        impl.c_str(), ms, s.flops(kBatch) / ms * 1e-6);
            best = best == 0.0 ? ms : std::min(best, ms);
        } while (pd.next_impl());
    } catch (const error& e) {
        std::printf("  %-4s %-8s none: %s\n", type == dt::f32 ? "f32" : "bf16", layout_name, e.what());
    }
    return best;
}

double fastest(const ConvShape& s, dt type, int reps) {
    const std::pair<const char*, tag> layouts[] = {{"any", tag::any}, {"nhwc", tag::nhwc}, {"nChw16c", tag::nChw16c}};
    double best = 0.0;
    for (const auto& [name, layout] : layouts) {
        const double ms = time_implementations(s, type, name, layout, reps);
        if (ms > 0.0) best = best == 0.0 ? ms : std::min(best, ms);
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    const int reps = argc > 1 ? std::max(1, std::atoi(argv[1])) : 10;
    for (const ConvShape& s : kShapes) {
        std::printf("%s: %d→%d channels, %dx%d, kernel %d, stride %d\n", s.model, s.ic, s.oc, s.side, s.side, s.kernel,
                    s.stride);
        const double f32 = fastest(s, dt::f32, reps), bf16 = fastest(s, dt::bf16, reps);
        if (f32 > 0.0 && bf16 > 0.0) std::printf("  fastest bf16 / fastest f32: %.2f\n", bf16 / f32);
    }
}
