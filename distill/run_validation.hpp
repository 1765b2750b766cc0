// The checks a run must pass before its first step, so that a bad setting fails at once rather than after
// every epoch has been trained (or at every resume). The data-free checks are distill::validate (run_config).
#pragma once
#include "distill/run_config.hpp"
#include "framework/data/dataset.hpp"

namespace lskd::distill {

// validate(config, teacher), then the checks that need the data: every class in the training and test splits
// (whose records and per-class results cover every class), an augmentation shift of at most half the image side,
// a batch no larger than the training split, the MI settings (mi_probe.hpp) and a model whose parameters fit in
// memory. Each Error names the data set, the split or the key, and the value.
void validate_before_training(const RunConfig& config, const data::Dataset& dataset, bool teacher);

}  // namespace lskd::distill
