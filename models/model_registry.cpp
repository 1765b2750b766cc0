#include "models/model_registry.hpp"

#include <algorithm>
#include <cstdint>

#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "framework/core/error.hpp"
#include "framework/data/vocabulary.hpp"
#include "models/alexnet_cifar.hpp"
#include "models/lenet.hpp"
#include "models/mlp.hpp"
#include "models/resnet_cifar.hpp"
#include "models/resnet_imagenet.hpp"

namespace lskd::models {
namespace {

const std::vector<InputShape> kImageShapes = {{28, 28, 1}, {32, 32, 3}};  // (Fashion-)MNIST, CIFAR
// Small colour images (CIFAR-sized folders) and ImageNet's standard crop.
const std::vector<InputShape> kImageNetShapes = {{32, 32, 3}, {224, 224, 3}};

std::int64_t pixels(const InputShape& s) { return s.height * s.width * s.channels; }

template <std::int64_t H1, std::int64_t H2>
std::shared_ptr<Classifier> fixed_mlp(Rng& rng, const InputShape& input, std::int64_t k, std::uint64_t seed,
                                      const ModelOptions& o) {
    return std::make_shared<Mlp>(rng, pixels(input), std::vector<std::int64_t>{H1, H2}, k, o.dropout, seed);
}

std::shared_ptr<Classifier> mlp(Rng& rng, const InputShape& input, std::int64_t k, std::uint64_t seed,
                                const ModelOptions& o) {
    return std::make_shared<Mlp>(rng, pixels(input), o.hidden, k, o.dropout, seed);
}

std::shared_ptr<Classifier> lenet(Rng& rng, const InputShape& input, std::int64_t k, std::uint64_t,
                                  const ModelOptions&) {
    return std::make_shared<LeNet>(rng, input, k);
}

std::shared_ptr<Classifier> alexnet(Rng& rng, const InputShape& input, std::int64_t k, std::uint64_t,
                                    const ModelOptions&) {
    return std::make_shared<AlexNetCifar>(rng, input, k);
}

template <std::int64_t BlocksPerStage>
std::shared_ptr<Classifier> resnet(Rng& rng, const InputShape& input, std::int64_t k, std::uint64_t,
                                   const ModelOptions&) {
    return std::make_shared<ResNetCifar>(rng, input, BlocksPerStage, k);
}

// Saturating arithmetic for the parameter counts: absurd sizes must compare as too large, never wrap to small.
std::uint64_t mul(std::uint64_t a, std::uint64_t b) {
    std::uint64_t out = 0;
    return __builtin_mul_overflow(a, b, &out) ? UINT64_MAX : out;
}
std::uint64_t add(std::uint64_t a, std::uint64_t b) {
    std::uint64_t out = 0;
    return __builtin_add_overflow(a, b, &out) ? UINT64_MAX : out;
}
std::uint64_t u(std::int64_t v) { return v > 0 ? static_cast<std::uint64_t>(v) : 0; }

// A fully connected layer with bias; a convolution with bias (without: conv_weights).
std::uint64_t linear(std::uint64_t in, std::uint64_t out) { return add(mul(in, out), out); }
std::uint64_t conv_weights(std::uint64_t in, std::uint64_t out, std::uint64_t k) { return mul(mul(in, out), k * k); }

std::uint64_t mlp_parameters(std::uint64_t inputs, const std::vector<std::int64_t>& hidden, std::int64_t k) {
    std::uint64_t total = 0, width = inputs;
    for (std::int64_t h : hidden) {
        total = add(total, linear(width, u(h)));
        width = u(h);
    }
    return add(total, linear(width, u(k)));
}

template <std::int64_t H1, std::int64_t H2>
std::uint64_t fixed_mlp_parameters(const InputShape& input, std::int64_t k, const ModelOptions&) {
    return mlp_parameters(u(pixels(input)), {H1, H2}, k);
}

std::uint64_t any_mlp_parameters(const InputShape& input, std::int64_t k, const ModelOptions& o) {
    return mlp_parameters(u(pixels(input)), o.hidden, k);
}

std::uint64_t lenet_parameters(const InputShape& input, std::int64_t k, const ModelOptions&) {
    const std::uint64_t flat = u((input.height / 4) * (input.width / 4) * 64);
    return add(
        add(add(add(conv_weights(u(input.channels), 32, 5), 32), add(conv_weights(32, 64, 5), 64)), linear(flat, 1024)),
        linear(1024, u(k)));
}

std::uint64_t alexnet_parameters(const InputShape& input, std::int64_t k, const ModelOptions&) {
    const auto pooled = [](std::int64_t n) { return (n + 2 - 3) / 2 + 1; };
    const std::uint64_t flat = u(pooled(pooled(input.height)) * pooled(pooled(input.width)) * 64);
    return add(add(add(add(conv_weights(u(input.channels), 64, 5), 64), add(conv_weights(64, 64, 5), 64)),
                   add(linear(flat, 384), linear(384, 192))),
               linear(192, u(k)));
}

// Convolutions without bias, each followed by a batch norm's scale and shift.
template <std::int64_t BlocksPerStage>
std::uint64_t resnet_parameters(const InputShape& input, std::int64_t k, const ModelOptions&) {
    std::uint64_t total = conv_weights(u(input.channels), 16, 3) + 2 * 16;
    std::uint64_t channels = 16;
    for (int stage = 0; stage < 3; ++stage) {
        const std::uint64_t width = 16u << stage;
        for (std::int64_t b = 0; b < BlocksPerStage; ++b) {
            const bool downsample = (stage > 0 && b == 0) || channels != width;
            total += conv_weights(channels, width, 3) + conv_weights(width, width, 3) + 4 * width;
            if (downsample) total += conv_weights(channels, width, 1) + 2 * width;
            channels = width;
        }
    }
    return add(total, linear(64, u(k)));
}

template <const ResNetImageNetLayout& Layout>
std::shared_ptr<Classifier> resnet_imagenet(Rng& rng, const InputShape& input, std::int64_t k, std::uint64_t,
                                            const ModelOptions&) {
    return std::make_shared<ResNetImageNet>(rng, input, Layout, k);
}

// The stem's 7×7 convolution and batch norm, then per block its convolutions and batch norms (a bottleneck's
// 1×1, 3×3 and 1×1), a downsampling 1×1 convolution with batch norm where the first block of a layer changes shape,
// and the fc.
template <const ResNetImageNetLayout& Layout>
std::uint64_t resnet_imagenet_parameters(const InputShape& input, std::int64_t k, const ModelOptions&) {
    std::uint64_t channels = kResNetStemChannels;
    std::uint64_t total = add(conv_weights(u(input.channels), channels, 7), 2 * channels);
    for (std::size_t i = 0; i < Layout.blocks.size(); ++i) {
        const std::uint64_t width = u(kResNetStemChannels) << i, out = width * u(Layout.expansion());
        for (std::int64_t b = 0; b < Layout.blocks[i]; ++b) {
            total = add(total, Layout.bottleneck
                                   ? conv_weights(channels, width, 1) + conv_weights(width, width, 3) +
                                         conv_weights(width, out, 1) + 2 * (2 * width + out)
                                   : conv_weights(channels, width, 3) + conv_weights(width, width, 3) + 4 * width);
            if (b == 0 && (i > 0 || channels != out)) total = add(total, conv_weights(channels, out, 1) + 2 * out);
            channels = out;
        }
    }
    return add(total, linear(channels, u(k)));
}

template <std::int64_t Layers, std::int64_t Dim, std::int64_t Ffn>
constexpr TransformerSizes kTransformer{Layers, Layers, Dim, 4, Ffn};

template <const TransformerSizes& Sizes>
std::shared_ptr<Transformer> transformer(Rng& rng, std::int64_t source_vocab, std::int64_t target_vocab,
                                         std::uint64_t seed, const ModelOptions& o) {
    return std::make_shared<Transformer>(rng, Sizes, source_vocab, target_vocab, static_cast<float>(o.dropout),
                                         o.activation, seed);
}

template <const TransformerSizes& Sizes>
std::uint64_t transformer_count(std::int64_t source_vocab, std::int64_t target_vocab) {
    return transformer_parameters(Sizes, source_vocab, target_vocab);
}

std::uint64_t physical_memory_bytes() {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page) : UINT64_MAX;
}

std::string gigabytes(std::uint64_t bytes) { return fmt::format("{:.1f} GB", static_cast<double>(bytes) / 1e9); }

// `what` names the model and what it was sized for.
void check_fits(const std::string& what, std::uint64_t parameters) {
    const std::uint64_t needed = mul(parameters, 12), memory = physical_memory_bytes();
    if (needed > memory / 2)
        fail("model {}: {} parameters would need {} for parameters, gradients and momentum (12 bytes each), more than "
             "half of this machine's {} of memory",
             what, parameters == UINT64_MAX ? std::string("over 2^64") : fmt::format("{}", parameters),
             needed == UINT64_MAX ? std::string("over 18 EB") : gigabytes(needed), gigabytes(memory));
}

const char* kind_name(ModelKind kind) {
    return kind == ModelKind::classifier ? "an image classifier" : "a sequence model";
}

const ModelEntry* find_entry(const std::string& name) {
    for (const ModelEntry& e : model_table())
        if (e.name == name) return &e;
    return nullptr;
}

}  // namespace

std::string InputShape::str() const { return fmt::format("{}x{}x{}", height, width, channels); }

const std::vector<ModelEntry>& model_table() {
    static const std::vector<ModelEntry> table = {
        {"mlp-1200", "MLP in-1200-1200-K, ReLU (the paper's MNIST teacher)", kImageShapes, 1, fixed_mlp<1200, 1200>,
         fixed_mlp_parameters<1200, 1200>, false, true},
        {"mlp-800", "MLP in-800-800-K, ReLU (the paper's MNIST student)", kImageShapes, 1, fixed_mlp<800, 800>,
         fixed_mlp_parameters<800, 800>, false, true},
        {"mlp", "MLP with the hidden sizes given by `hidden`", kImageShapes, 1, mlp, any_mlp_parameters, true, true},
        {"lenet", "LeNet-style CNN: conv5x5-32, pool, conv5x5-64, pool, fc-1024", kImageShapes, 4, lenet,
         lenet_parameters},
        {"alexnet-cifar", "TensorFlow's CIFAR-10 AlexNet: two conv5x5-64 with pools, fc-384, fc-192", kImageShapes, 1,
         alexnet, alexnet_parameters},
        {"resnet-20", "CIFAR ResNet, depth 20 (3 basic blocks per stage)", kImageShapes, 1, resnet<3>,
         resnet_parameters<3>},
        {"resnet-32", "CIFAR ResNet, depth 32 (5 basic blocks per stage)", kImageShapes, 1, resnet<5>,
         resnet_parameters<5>},
        {"resnet-56", "CIFAR ResNet, depth 56 (9 basic blocks per stage)", kImageShapes, 1, resnet<9>,
         resnet_parameters<9>},
        {"resnet-18",
         "torchvision's ResNet-18: conv7x7/2, max-pool, 2-2-2-2 basic blocks (64-512), torchvision's names",
         kImageNetShapes, 32, resnet_imagenet<kResNet18>, resnet_imagenet_parameters<kResNet18>},
        {"resnet-50", "torchvision's ResNet-50 (V1.5): conv7x7/2, max-pool, 3-4-6-3 bottlenecks (256-2048 outputs)",
         kImageNetShapes, 32, resnet_imagenet<kResNet50>, resnet_imagenet_parameters<kResNet50>},
        {"transformer-tiny",
         "pre-LN Transformer, 2+2 layers, d 128, 4 heads, FFN 512, tied output",
         {},
         1,
         nullptr,
         nullptr,
         false,
         true,
         ModelKind::sequence,
         transformer<kTransformer<2, 128, 512>>,
         transformer_count<kTransformer<2, 128, 512>>},
        {"transformer-small",
         "pre-LN Transformer, 3+3 layers, d 256, 4 heads, FFN 1024, tied output",
         {},
         1,
         nullptr,
         nullptr,
         false,
         true,
         ModelKind::sequence,
         transformer<kTransformer<3, 256, 1024>>,
         transformer_count<kTransformer<3, 256, 1024>>},
    };
    return table;
}

const std::vector<std::string>& model_names(ModelKind kind) {
    static const auto names_of = [](ModelKind k) {
        std::vector<std::string> out;
        for (const ModelEntry& e : model_table())
            if (e.kind == k) out.push_back(e.name);
        return out;
    };
    static const std::vector<std::string> classifiers = names_of(ModelKind::classifier);
    static const std::vector<std::string> sequences = names_of(ModelKind::sequence);
    return kind == ModelKind::classifier ? classifiers : sequences;
}

std::string model_name_list(ModelKind kind) { return fmt::format("{}", fmt::join(model_names(kind), ", ")); }

std::string model_listing() {
    std::size_t name_width = 0, inputs_width = 0;
    std::vector<std::string> inputs;
    for (const ModelEntry& e : model_table()) {
        std::vector<std::string> shapes;
        for (const InputShape& s : e.inputs) shapes.push_back(s.str());
        if (e.kind == ModelKind::sequence) shapes.push_back("tokens");
        inputs.push_back(fmt::format("{}", fmt::join(shapes, ", ")));
        name_width = std::max(name_width, e.name.size());
        inputs_width = std::max(inputs_width, inputs.back().size());
    }
    std::string out;
    for (std::size_t i = 0; i < model_table().size(); ++i) {
        const ModelEntry& e = model_table()[i];
        out += fmt::format("  {:<{}}  {:<{}}  {}\n", e.name, name_width, inputs[i], inputs_width, e.description);
    }
    return out;
}

namespace {

const ModelEntry& entry_of(const std::string& name, ModelKind kind) {
    const ModelEntry* entry = find_entry(name);
    if (entry == nullptr) fail("unknown model '{}' (expected one of {})", name, model_name_list(kind));
    if (entry->kind != kind)
        fail("model {} is {}, not {} (expected one of {})", name, kind_name(entry->kind), kind_name(kind),
             model_name_list(kind));
    return *entry;
}

}  // namespace

std::uint64_t parameter_count(const std::string& name, const InputShape& input, std::int64_t num_classes,
                              const ModelOptions& options) {
    return entry_of(name, ModelKind::classifier).parameters(input, num_classes, options);
}

void check_model_fits(const std::string& name, const InputShape& input, std::int64_t num_classes,
                      const ModelOptions& options) {
    check_fits(fmt::format("{}{} on {} inputs", name,
                           options.hidden.empty() ? "" : fmt::format(" (hidden {})", fmt::join(options.hidden, ",")),
                           input.str()),
               parameter_count(name, input, num_classes, options));
}

std::shared_ptr<Classifier> make_model(const std::string& name, const InputShape& input, std::int64_t num_classes,
                                       std::uint64_t seed, const ModelOptions& options) {
    const ModelEntry* entry = &entry_of(name, ModelKind::classifier);
    if (num_classes < 2) fail("model {}: needs at least 2 classes, got {}", name, num_classes);
    if (input.channels < 1 || input.height < entry->min_side || input.width < entry->min_side)
        fail("model {}: input {} is too small (needs height and width >= {} and at least one channel)", name,
             input.str(), entry->min_side);
    check_model_fits(name, input, num_classes, options);
    Rng rng(seed, 0x6d6f64656cULL);
    return entry->build(rng, input, num_classes, seed, options);
}

std::uint64_t sequence_parameter_count(const std::string& name, std::int64_t source_vocab, std::int64_t target_vocab) {
    return entry_of(name, ModelKind::sequence).sequence_parameters(source_vocab, target_vocab);
}

std::shared_ptr<Transformer> make_sequence_model(const std::string& name, std::int64_t source_vocab,
                                                 std::int64_t target_vocab, std::uint64_t seed,
                                                 const ModelOptions& options) {
    const ModelEntry& entry = entry_of(name, ModelKind::sequence);
    if (source_vocab <= data::kUnkId + 1 || target_vocab <= data::kUnkId + 1)
        fail("model {}: vocabularies of {} and {} tokens leave none beside the 4 special ones", name, source_vocab,
             target_vocab);
    check_fits(fmt::format("{} with vocabularies of {} and {}", name, source_vocab, target_vocab),
               entry.sequence_parameters(source_vocab, target_vocab));
    Rng rng(seed, 0x6d6f64656cULL);
    return entry.build_sequence(rng, source_vocab, target_vocab, seed, options);
}

}  // namespace lskd::models
