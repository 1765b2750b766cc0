// nn::Dropout: in training, zeroes elements with probability p and scales the rest by 1/(1−p); the identity
// in evaluation. Masks are a pure function of (seed, call counter), so runs and resumed runs reproduce.
#pragma once
#include <cstdint>

#include "framework/layers/module.hpp"

namespace lskd::nn {

class Dropout : public Module {
public:
    explicit Dropout(float p, std::uint64_t seed = 0);

    // Each training-mode call uses the next counter value; the counter is checkpointed through
    // Module::named_counters() under the name "<module>.counter".
    Variable forward(const Variable& x) override;

    // Restarts the mask sequence for a new seed.
    void reset_seed(std::uint64_t seed);
    float p() const { return p_; }
    std::uint64_t seed() const { return seed_; }
    std::uint64_t counter() const { return *counter_; }

private:
    float p_;
    std::uint64_t seed_;
    std::uint64_t* counter_;  // the registered counter
};

}  // namespace lskd::nn
