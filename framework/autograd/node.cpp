#include "framework/autograd/node.hpp"

#include "framework/core/error.hpp"

namespace lskd {
namespace {
thread_local bool t_grad_enabled = true;
thread_local bool t_draining = false;
thread_local std::vector<std::shared_ptr<VarImpl>> t_pending;
}  // namespace

void NodeInputs::push_back(std::shared_ptr<VarImpl> v) {
    LSKD_CHECK(size_ < kMax, "a node with more than {} inputs", kMax);
    items_[size_++] = std::move(v);
}

Node::~Node() {
    // Releasing an input may destroy its node, whose destructor would release its inputs, and so on down
    // the chain: queue them instead and let the outermost destructor release them one at a time.
    for (auto& in : inputs)
        if (in) t_pending.push_back(std::move(in));
    if (t_draining) return;
    t_draining = true;
    while (!t_pending.empty()) {
        std::shared_ptr<VarImpl> v = std::move(t_pending.back());
        t_pending.pop_back();
        v.reset();
    }
    t_draining = false;
}

void Node::save(const Tensor& t, const char* role) {
    LSKD_CHECK(saved_count_ < kMaxSaved, "{} saves more than {} tensors", op, kMaxSaved);
    saved_[saved_count_++] = {t, t.version(), role};
}

void Node::check_saved_versions() const {
    for (std::size_t i = 0; i < saved_count_; ++i) {
        const SavedTensor& s = saved_[i];
        if (s.tensor.version() != s.version)
            fail("backward of {}: its saved tensor '{}' {} was changed in place after the forward pass (version {}, "
                 "saved at {})",
                 op, s.role, s.tensor.shape().str(), s.tensor.version(), s.version);
    }
}

bool grad_mode_enabled() { return t_grad_enabled; }

NoGradGuard::NoGradGuard() : previous_(t_grad_enabled) { t_grad_enabled = false; }
NoGradGuard::~NoGradGuard() { t_grad_enabled = previous_; }

bool needs_graph(std::initializer_list<const Variable*> inputs) {
    if (!t_grad_enabled) return false;
    for (const Variable* v : inputs)
        if (v != nullptr && v->defined() && v->requires_grad()) return true;
    return false;
}

Variable make_output(Tensor value, std::shared_ptr<Node> node, std::initializer_list<const Variable*> inputs) {
    Variable out(std::move(value), node != nullptr);
    if (node) {
        for (const Variable* v : inputs) node->inputs.push_back(v != nullptr && v->defined() ? v->impl() : nullptr);
        out.impl()->grad_fn = std::move(node);
    }
    return out;
}

}  // namespace lskd
