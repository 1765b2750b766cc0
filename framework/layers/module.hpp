// nn::Module: a tree of named parameters, buffers, counters and submodules, kept in registration order.
// Dotted names (`block1.conv.weight`) identify them in checkpoints (HDF5 paths `/params/<name>`).
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "framework/autograd/variable.hpp"
#include "framework/ops/post_ops.hpp"

namespace lskd::nn {

// What a parameter is, so the optimizer can exclude biases and normalisation parameters from weight decay.
enum class ParamKind { weight, bias, norm };

struct NamedParameter {
    std::string name;
    Variable var;
    ParamKind kind;
};

struct NamedBuffer {
    std::string name;
    Tensor tensor;  // shares storage with the module's buffer
};

// Checkpoint contents by dotted name.
using StateDict = std::map<std::string, Tensor>;
using CounterDict = std::map<std::string, std::uint64_t>;

class Module {
public:
    Module() = default;
    // Modules hand out pointers to their own members (buffers, counters), so they are never copied.
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;
    virtual ~Module() = default;

    virtual Variable forward(const Variable& x) = 0;
    // The epilogues this module's op can run inside its own primitive (none unless a layer overrides it), and
    // forward(x) with one of them: the fusion plan's single entry point (fusion_plan.hpp), which alone picks `post`.
    // With post none it is forward(x).
    virtual ops::PostOps fusable_post_ops() const { return {}; }
    virtual Variable forward_with(const Variable& x, const ops::PostOps& post);
    Variable operator()(const Variable& x) { return forward(x); }

    std::vector<NamedParameter> named_parameters() const;
    std::vector<Variable> parameters() const;
    std::vector<NamedBuffer> named_buffers() const;
    // Integer state that must survive a checkpoint for a bit-identical resume (dropout's mask counter).
    CounterDict named_counters() const;
    // This module (named "") and every descendant, depth first in registration order.
    std::vector<std::pair<std::string, Module*>> named_modules();
    std::vector<std::pair<std::string, const Module*>> named_modules() const;
    const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& named_children() const { return children_; }
    std::int64_t num_parameters() const;  // total element count

    // Sets the training flag of this module and all descendants.
    void train(bool on = true);
    void eval() { train(false); }
    bool is_training() const { return training_; }

    // Resets every parameter's gradient to undefined (PyTorch's set_to_none). Allocates nothing.
    void zero_grad();

    // Copies of all parameters and buffers, by dotted name: a snapshot that later training does not change.
    StateDict state() const;
    // The parameters and buffers by dotted name, sharing their storage (no copy): for writing them out before the
    // next step changes them, as a checkpoint does.
    StateDict state_view() const;
    // Copies values into the existing parameters and buffers. Every entry must match a parameter or buffer
    // of the same shape and every parameter and buffer must be present; the Error names the first culprit.
    void load_state(const StateDict& state);
    void load_counters(const CounterDict& counters);

protected:
    // Names are unique within a module, non-empty and without dots. Parameters require grad.
    Variable register_parameter(std::string name, Tensor value, ParamKind kind = ParamKind::weight);
    // The reference stays valid for the module's life (ops update buffers such as running means through it).
    Tensor& register_buffer(std::string name, Tensor value);
    std::uint64_t& register_counter(std::string name, std::uint64_t value = 0);

    template <typename M>
    std::shared_ptr<M> register_module(std::string name, std::shared_ptr<M> module) {
        add_child(std::move(name), module);
        return module;
    }

private:
    struct ParamSlot {
        std::string name;
        Variable var;
        ParamKind kind;
    };
    struct BufferSlot {
        std::string name;
        Tensor tensor;
    };
    struct CounterSlot {
        std::string name;
        std::uint64_t value;
    };

    void add_child(std::string name, std::shared_ptr<Module> module);
    void check_new_name(const std::string& name) const;
    void collect(const std::string& prefix, std::vector<std::pair<std::string, const Module*>>& out) const;

    // Deques keep element addresses stable as entries are added, which register_buffer relies on.
    std::deque<ParamSlot> params_;
    std::deque<BufferSlot> buffers_;
    std::deque<CounterSlot> counters_;
    std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
    bool training_ = true;
};

}  // namespace lskd::nn
