// nn::Sequential: submodules applied in order, named "0", "1", ... by position unless given a name, so
// their parameters read `0.weight`, `features.3.bias`, ... Its forward runs the children as the fusion plan
// (fusion_plan.hpp) groups them: a layer and the nn::ReLU after it as one op with a relu post-op, a ReLU before a
// max-pool inside the pooling. The ReLUs stay children.
#pragma once
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "framework/layers/fusion_plan.hpp"
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
    // The children in order, as a chain for the fusion plan.
    std::vector<Module*> chain() const;

private:
    // The graph-mode plan, made at the first forward and again when a child was appended or its key changed.
    std::vector<FusedStep> plan_;
    std::size_t planned_size_ = 0;
    PlanKey planned_key_{};
};

}  // namespace lskd::nn
