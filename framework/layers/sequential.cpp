#include "framework/layers/sequential.hpp"

#include "framework/layers/pooling.hpp"
#include "framework/layers/relu.hpp"

namespace lskd::nn {
namespace {

template <typename M>
bool child_is(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& children, std::size_t i) {
    return i < children.size() && dynamic_cast<const M*>(children[i].second.get()) != nullptr;
}

}  // namespace

Sequential::Sequential(std::initializer_list<std::shared_ptr<Module>> modules) {
    for (const auto& m : modules) append(m);
}

Variable Sequential::forward(const Variable& x) {
    const auto& children = named_children();
    Variable y = x;
    for (std::size_t i = 0; i < children.size(); ++i) {
        Module& m = *children[i].second;
        const bool relu_next = child_is<ReLU>(children, i + 1) && !child_is<ReLU>(children, i);
        if (relu_next && child_is<MaxPool2d>(children, i + 2)) {
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
