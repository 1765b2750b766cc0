#include "framework/layers/sequential.hpp"

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
        const bool relu_next = i + 1 < children.size() && dynamic_cast<const ReLU*>(children[i + 1].second.get());
        if (relu_next && !dynamic_cast<const ReLU*>(&m)) {
            y = m.forward_relu(y);
            ++i;
        } else {
            y = m.forward(y);
        }
    }
    return y;
}

}  // namespace lskd::nn
