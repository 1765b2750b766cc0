#include "framework/layers/sequential.hpp"

#include "framework/layers/pooling.hpp"
#include "framework/layers/relu.hpp"

namespace lskd::nn {

Sequential::Sequential(std::initializer_list<std::shared_ptr<Module>> modules) {
    for (const auto& m : modules) append(m);
}

Variable Sequential::forward(const Variable& x) {
    const auto& children = named_children();
    Variable y = x;
    for (std::size_t i = 0; i < children.size(); ++i) {
        Module& m = *children[i].second;
        const bool relu_next = child_as<ReLU>(i + 1) != nullptr && child_as<ReLU>(i) == nullptr;
        if (relu_next && child_as<MaxPool2d>(i + 2) != nullptr) {
            y = children[i + 2].second->forward_relu(m.forward(y));
            i += 2;
        } else if (relu_next) {
            y = m.forward_relu(y);
            ++i;
        } else {
            y = m.forward(y);
        }
    }
    return y;
}

}  // namespace lskd::nn
