// What a blocked activation layout would buy ResNet training (docs/speed.md, "Layouts"): oneDNN's convolution
// (forward, backward data, backward weights) and batch norm with fused ReLU (forward_training, backward) at the
// CIFAR ResNet's three stage shapes, batch 128, on NHWC (lskd's layout) and on nChw8c (oneDNN's native AVX2
// block). Run by hand: OMP_NUM_THREADS=1 build/bench/bench_layouts
#include <string>
#include <unordered_map>

#include <benchmark/benchmark.h>
#include <oneapi/dnnl/dnnl.hpp>

namespace {

using namespace dnnl;
using tag = memory::format_tag;

engine& cpu() {
    static engine e(engine::kind::cpu, 0);
    return e;
}

memory filled(const memory::desc& d) {
    memory m(d, cpu());
    auto* p = static_cast<float*>(m.get_data_handle());
    for (std::size_t i = 0; i < d.get_size() / sizeof(float); ++i) p[i] = static_cast<float>(i % 7) * 0.1f - 0.3f;
    return m;
}

void run(benchmark::State& state, const primitive& p, const std::unordered_map<int, memory>& args, const char* impl) {
    stream s(cpu());
    for (auto _ : state) {
        p.execute(s, args);
        s.wait();
    }
    state.SetLabel(impl);
}

// Stage shapes of the CIFAR ResNet at batch 128: channels and square spatial size.
constexpr int kBatch = 128;
int channels(const benchmark::State& st) { return static_cast<int>(st.range(0)); }
int side(const benchmark::State& st) { return static_cast<int>(st.range(1)); }
tag layout(const benchmark::State& st) { return st.range(2) == 0 ? tag::nhwc : tag::nChw8c; }

memory::desc activations(const benchmark::State& st) {
    return {{kBatch, channels(st), side(st), side(st)}, memory::data_type::f32, layout(st)};
}

// Weights in whatever format each primitive prefers (fixing the forward's format on backward data selects the
// reference kernel).
memory::desc any_weights(int c) { return {{c, c, 3, 3}, memory::data_type::f32, tag::any}; }

convolution_forward::primitive_desc conv_forward(const memory::desc& x, int c) {
    return {{prop_kind::forward_training, algorithm::convolution_direct, x, any_weights(c), x, {1, 1}, {1, 1}, {1, 1}},
            cpu()};
}

void ConvForward(benchmark::State& st) {
    const auto x = activations(st);
    const auto pd = conv_forward(x, channels(st));
    run(st, convolution_forward(pd),
        {{DNNL_ARG_SRC, filled(x)}, {DNNL_ARG_WEIGHTS, filled(pd.weights_desc())}, {DNNL_ARG_DST, filled(x)}},
        pd.impl_info_str());
}

void ConvBackwardData(benchmark::State& st) {
    const auto x = activations(st);
    const auto fwd = conv_forward(x, channels(st));
    const convolution_backward_data::primitive_desc pd(
        {algorithm::convolution_direct, x, any_weights(channels(st)), x, {1, 1}, {1, 1}, {1, 1}}, cpu(), fwd);
    run(st, convolution_backward_data(pd),
        {{DNNL_ARG_DIFF_DST, filled(x)}, {DNNL_ARG_WEIGHTS, filled(pd.weights_desc())}, {DNNL_ARG_DIFF_SRC, filled(x)}},
        pd.impl_info_str());
}

void ConvBackwardWeights(benchmark::State& st) {
    const auto x = activations(st);
    const auto fwd = conv_forward(x, channels(st));
    const convolution_backward_weights::primitive_desc pd(
        {algorithm::convolution_direct, x, any_weights(channels(st)), x, {1, 1}, {1, 1}, {1, 1}}, cpu(), fwd);
    run(st, convolution_backward_weights(pd),
        {{DNNL_ARG_SRC, filled(x)},
         {DNNL_ARG_DIFF_DST, filled(x)},
         {DNNL_ARG_DIFF_WEIGHTS, filled(pd.diff_weights_desc())}},
        pd.impl_info_str());
}

const auto kNormFlags = normalization_flags::use_scale | normalization_flags::use_shift |
                        normalization_flags::fuse_norm_relu;

batch_normalization_forward::primitive_desc norm_forward(const memory::desc& x) {
    return {{prop_kind::forward_training, x, 1e-5f, kNormFlags}, cpu()};
}

std::unordered_map<int, memory> norm_args(const batch_normalization_forward::primitive_desc& pd, const memory::desc& x,
                                          int c) {
    const memory::desc channel({c}, memory::data_type::f32, tag::x);
    return {{DNNL_ARG_SRC, filled(x)},
            {DNNL_ARG_DST, filled(x)},
            {DNNL_ARG_MEAN, filled(pd.mean_desc())},
            {DNNL_ARG_VARIANCE, filled(pd.variance_desc())},
            {DNNL_ARG_WORKSPACE, filled(pd.workspace_desc())},
            {DNNL_ARG_SCALE, filled(channel)},
            {DNNL_ARG_SHIFT, filled(channel)}};
}

void NormForward(benchmark::State& st) {
    const auto x = activations(st);
    const auto pd = norm_forward(x);
    run(st, batch_normalization_forward(pd), norm_args(pd, x, channels(st)), pd.impl_info_str());
}

void NormBackward(benchmark::State& st) {
    const auto x = activations(st);
    const auto fwd = norm_forward(x);
    const batch_normalization_backward::primitive_desc pd({prop_kind::backward, x, x, 1e-5f, kNormFlags}, cpu(), fwd);
    auto args = norm_args(fwd, x, channels(st));
    const memory::desc channel({channels(st)}, memory::data_type::f32, tag::x);
    args.emplace(DNNL_ARG_DIFF_DST, filled(x));
    args.emplace(DNNL_ARG_DIFF_SRC, filled(x));
    args.emplace(DNNL_ARG_DIFF_SCALE, filled(channel));
    args.emplace(DNNL_ARG_DIFF_SHIFT, filled(channel));
    run(st, batch_normalization_backward(pd), args, pd.impl_info_str());
}

void stages(benchmark::internal::Benchmark* b) {
    b->ArgNames({"C", "HW", "blocked"})->Unit(benchmark::kMillisecond);
    for (const auto& [c, hw] : {std::pair{16, 32}, std::pair{32, 16}, std::pair{64, 8}})
        for (const int blocked : {0, 1}) b->Args({c, hw, blocked});
}

}  // namespace

BENCHMARK(ConvForward)->Apply(stages);
BENCHMARK(ConvBackwardData)->Apply(stages);
BENCHMARK(ConvBackwardWeights)->Apply(stages);
BENCHMARK(NormForward)->Apply(stages);
BENCHMARK(NormBackward)->Apply(stages);
BENCHMARK_MAIN();
