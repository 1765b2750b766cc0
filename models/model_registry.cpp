#include "models/model_registry.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "framework/core/error.hpp"
#include "models/alexnet_cifar.hpp"
#include "models/lenet.hpp"
#include "models/mlp.hpp"
#include "models/resnet_cifar.hpp"

namespace lskd::models {
namespace {

const std::vector<InputShape> kImageShapes = {{28, 28, 1}, {32, 32, 3}};  // (Fashion-)MNIST, CIFAR

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

const ModelEntry* find_entry(const std::string& name) {
    for (const ModelEntry& e : model_table())
        if (e.name == name) return &e;
    return nullptr;
}

}  // namespace

std::string InputShape::str() const { return fmt::format("{}x{}x{}", height, width, channels); }

const std::vector<ModelEntry>& model_table() {
    static const std::vector<ModelEntry> table = {
        {"mlp-1200", "MLP in-1200-1200-K, ReLU (the paper's MNIST teacher)", kImageShapes, 1, fixed_mlp<1200, 1200>},
        {"mlp-800", "MLP in-800-800-K, ReLU (the paper's MNIST student)", kImageShapes, 1, fixed_mlp<800, 800>},
        {"mlp", "MLP with the hidden sizes given by `hidden`", kImageShapes, 1, mlp},
        {"lenet", "LeNet-style CNN: conv5x5-32, pool, conv5x5-64, pool, fc-1024", kImageShapes, 4, lenet},
        {"alexnet-cifar", "TensorFlow's CIFAR-10 AlexNet: two conv5x5-64 with pools, fc-384, fc-192", kImageShapes, 1,
         alexnet},
        {"resnet-20", "CIFAR ResNet, depth 20 (3 basic blocks per stage)", kImageShapes, 1, resnet<3>},
        {"resnet-32", "CIFAR ResNet, depth 32 (5 basic blocks per stage)", kImageShapes, 1, resnet<5>},
        {"resnet-56", "CIFAR ResNet, depth 56 (9 basic blocks per stage)", kImageShapes, 1, resnet<9>},
    };
    return table;
}

const std::vector<std::string>& model_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const ModelEntry& e : model_table()) out.push_back(e.name);
        return out;
    }();
    return names;
}

std::string model_name_list() { return fmt::format("{}", fmt::join(model_names(), ", ")); }

std::string model_listing() {
    std::size_t name_width = 0, inputs_width = 0;
    std::vector<std::string> inputs;
    for (const ModelEntry& e : model_table()) {
        std::vector<std::string> shapes;
        for (const InputShape& s : e.inputs) shapes.push_back(s.str());
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

std::shared_ptr<Classifier> make_model(const std::string& name, const InputShape& input, std::int64_t num_classes,
                                       std::uint64_t seed, const ModelOptions& options) {
    const ModelEntry* entry = find_entry(name);
    if (entry == nullptr) fail("unknown model '{}' (expected one of {})", name, model_name_list());
    if (num_classes < 2) fail("model {}: needs at least 2 classes, got {}", name, num_classes);
    if (input.channels < 1 || input.height < entry->min_side || input.width < entry->min_side)
        fail("model {}: input {} is too small (needs height and width >= {} and at least one channel)", name,
             input.str(), entry->min_side);
    Rng rng(seed, 0x6d6f64656cULL);
    return entry->build(rng, input, num_classes, seed, options);
}

}  // namespace lskd::models
