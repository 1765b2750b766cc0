#include "models/mlp.hpp"

#include "framework/core/error.hpp"
#include "framework/layers/nn.hpp"

namespace lskd::models {

Mlp::Mlp(Rng& rng, std::int64_t inputs, const std::vector<std::int64_t>& hidden, std::int64_t num_classes,
         double dropout, std::uint64_t seed) {
    if (hidden.empty()) fail("mlp: needs at least one hidden layer size");
    body().append(std::make_shared<nn::Flatten>());
    std::int64_t width = inputs;
    for (std::size_t i = 0; i < hidden.size(); ++i) {
        if (hidden[i] <= 0) fail("mlp: hidden size {} is not positive", hidden[i]);
        body().append(std::make_shared<nn::Linear>(rng, width, hidden[i]));
        body().append(std::make_shared<nn::ReLU>());
        if (dropout > 0.0) body().append(std::make_shared<nn::Dropout>(static_cast<float>(dropout), seed + i));
        width = hidden[i];
    }
    set_head(std::make_shared<nn::Linear>(rng, width, num_classes));
}

}  // namespace lskd::models
