#include "models/model_registry.hpp"

#include "framework/core/error.hpp"
#include "framework/core/random.hpp"
#include "models/alexnet_cifar.hpp"
#include "models/lenet.hpp"
#include "models/mlp.hpp"
#include "models/resnet_cifar.hpp"

namespace lskd::models {

const std::vector<std::string>& model_names() {
    static const std::vector<std::string> names = {"mlp-1200", "mlp-800",  "mlp",       "lenet",
                                                   "alexnet-cifar", "resnet-20", "resnet-32", "resnet-56"};
    return names;
}

std::shared_ptr<Classifier> make_model(const std::string& name, const InputShape& input, std::int64_t num_classes,
                                       std::uint64_t seed, const ModelOptions& options) {
    if (num_classes < 2) fail("model {}: needs at least 2 classes, got {}", name, num_classes);
    Rng rng(seed, 0x6d6f64656cULL);
    const std::int64_t pixels = input.height * input.width * input.channels;
    if (name == "mlp-1200") return std::make_shared<Mlp>(rng, pixels, std::vector<std::int64_t>{1200, 1200}, num_classes, options.dropout, seed);
    if (name == "mlp-800") return std::make_shared<Mlp>(rng, pixels, std::vector<std::int64_t>{800, 800}, num_classes, options.dropout, seed);
    if (name == "mlp") return std::make_shared<Mlp>(rng, pixels, options.hidden, num_classes, options.dropout, seed);
    if (name == "lenet") return std::make_shared<LeNet>(rng, input, num_classes);
    if (name == "alexnet-cifar") return std::make_shared<AlexNetCifar>(rng, input, num_classes);
    if (name == "resnet-20") return std::make_shared<ResNetCifar>(rng, input, 3, num_classes);
    if (name == "resnet-32") return std::make_shared<ResNetCifar>(rng, input, 5, num_classes);
    if (name == "resnet-56") return std::make_shared<ResNetCifar>(rng, input, 9, num_classes);
    fail("unknown model '{}' (expected one of mlp-1200, mlp-800, mlp, lenet, alexnet-cifar, resnet-20, resnet-32, "
         "resnet-56)", name);
}

}  // namespace lskd::models
