// models::Classifier: every lskd model is a feature extractor (a Sequential body) followed by one linear layer,
// the class templates. features() gives the penultimate activations [N, D] (the head's input); head() holds the
// classifier weight [K, D] and bias [K].
#pragma once
#include <memory>
#include <string>
#include <utility>

#include "framework/layers/inference.hpp"
#include "framework/layers/linear.hpp"
#include "framework/layers/module.hpp"
#include "framework/layers/sequential.hpp"

namespace lskd::models {

struct ClassifierOutput {
    Variable penultimate;  // [N, D]
    Variable logits;       // [N, K]
};

class Classifier : public nn::Module {
public:
    // The body's output; in eval mode without a graph, through its fused inference pass.
    Variable features(const Variable& x) {
        if (nn::inference_mode(*this)) return inference_.run(*body_, x);
        return body_->forward(x);
    }
    Variable forward(const Variable& x) override { return head_->forward(features(x)); }
    ClassifierOutput forward_with_features(const Variable& x) {
        Variable penultimate = features(x);
        return {penultimate, head_->forward(penultimate)};
    }
    nn::Linear& head() { return *head_; }
    const nn::Linear& head() const { return *head_; }

protected:
    // The body is registered first, as "features", so its parameters read features.0.weight, ... and come before
    // the head's.
    Classifier() : body_(register_module("features", std::make_shared<nn::Sequential>())) {}
    // torchvision's names instead (conv1.weight, layer1.0.bn1.bias, fc.weight): each part of the body is also
    // registered on the classifier itself, by add_to_body, and the body after them by set_head, where the walk
    // already met its children (a module is listed once, under its first name) so it adds no names.
    struct TopLevelNames {};
    explicit Classifier(TopLevelNames) : body_(std::make_shared<nn::Sequential>()), top_level_names_(true) {}
    // The feature extractor, which a model's constructor fills (by add_to_body with TopLevelNames).
    nn::Sequential& body() { return *body_; }
    template <typename M>
    void add_to_body(std::string name, std::shared_ptr<M> part) {
        if (top_level_names_) register_module(name, part);
        body_->append(std::move(name), std::move(part));
    }
    // Registered as `name`, so its parameters read classifier.weight and classifier.bias by default.
    void set_head(std::shared_ptr<nn::Linear> head, std::string name = "classifier") {
        if (top_level_names_) register_module("features", body_);  // so train() and eval() reach it
        head_ = register_module(std::move(name), std::move(head));
    }

private:
    std::shared_ptr<nn::Sequential> body_;
    bool top_level_names_ = false;
    nn::SequentialInference inference_;  // the fused pass in eval mode without a graph
    std::shared_ptr<nn::Linear> head_;
};

}  // namespace lskd::models
