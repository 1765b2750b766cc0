#include "framework/layers/sequential.hpp"

namespace lskd::nn {

Sequential::Sequential(std::initializer_list<std::shared_ptr<Module>> modules) {
    for (const auto& m : modules) append(m);
}

std::vector<Module*> Sequential::chain() const {
    std::vector<Module*> out;
    for (const auto& [name, child] : named_children()) out.push_back(child.get());
    return out;
}

Variable Sequential::forward(const Variable& x) {
    if (planned_size_ != size() || !(planned_key_ == current_plan_key())) {
        plan_ = plan_chain(chain(), FusionMode::graph);
        planned_size_ = size();
        planned_key_ = current_plan_key();
    }
    return run_steps(plan_, x);
}

}  // namespace lskd::nn
