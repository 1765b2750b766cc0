// models::Classifier: every lskd model is a feature extractor followed by one linear layer, the class
// templates. features() gives the penultimate activations [N, D] (the head's input); head() holds the
// classifier weight [K, D] and bias [K].
#pragma once
#include <memory>

#include "framework/layers/linear.hpp"
#include "framework/layers/module.hpp"

namespace lskd::models {

struct ClassifierOutput {
    Variable penultimate;  // [N, D]
    Variable logits;       // [N, K]
};

class Classifier : public nn::Module {
public:
    virtual Variable features(const Variable& x) = 0;
    Variable forward(const Variable& x) override { return head_->forward(features(x)); }
    ClassifierOutput forward_with_features(const Variable& x) {
        Variable penultimate = features(x);
        return {penultimate, head_->forward(penultimate)};
    }
    nn::Linear& head() { return *head_; }
    const nn::Linear& head() const { return *head_; }

protected:
    // Registered as "classifier", so its parameters read classifier.weight and classifier.bias.
    void set_head(std::shared_ptr<nn::Linear> head) { head_ = register_module("classifier", std::move(head)); }

private:
    std::shared_ptr<nn::Linear> head_;
};

}  // namespace lskd::models
