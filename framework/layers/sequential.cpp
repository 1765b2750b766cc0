#include "framework/layers/sequential.hpp"

namespace lskd::nn {

Sequential::Sequential(std::initializer_list<std::shared_ptr<Module>> modules) {
    for (const auto& m : modules) append(m);
}

Variable Sequential::forward(const Variable& x) {
    Variable y = x;
    for (const auto& [name, module] : named_children()) y = module->forward(y);
    return y;
}

}  // namespace lskd::nn
