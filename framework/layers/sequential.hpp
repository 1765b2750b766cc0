// nn::Sequential: submodules applied in order, named "0", "1", ... by position unless given a name, so
// their parameters read `0.weight`, `features.3.bias`, ... A module followed by an nn::ReLU runs as one
// forward_relu call (the ReLU fused into the module's primitive where it can be); the ReLU stays a child.
// Module → ReLU → MaxPool2d runs as module, then the pooling with the ReLU fused: max pooling and ReLU
// commute, and the ReLU then costs no pass at all (nor runs on the larger map).
#pragma once
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <string>

#include "framework/layers/module.hpp"

namespace lskd::nn {

class Sequential : public Module {
public:
    Sequential() = default;
    Sequential(std::initializer_list<std::shared_ptr<Module>> modules);

    template <typename M>
    std::shared_ptr<M> append(std::shared_ptr<M> module) {
        return register_module(std::to_string(size()), std::move(module));
    }
    template <typename M>
    std::shared_ptr<M> append(std::string name, std::shared_ptr<M> module) {
        return register_module(std::move(name), std::move(module));
    }

    Variable forward(const Variable& x) override;

    std::size_t size() const { return named_children().size(); }
    Module& operator[](std::size_t i) const { return *named_children().at(i).second; }
    // The i-th child if it is an M, else null (also past the end): how fusions look at their neighbours.
    template <typename M>
    M* child_as(std::size_t i) const {
        return i < size() ? dynamic_cast<M*>(named_children()[i].second.get()) : nullptr;
    }
};

}  // namespace lskd::nn
