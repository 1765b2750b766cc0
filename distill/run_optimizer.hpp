// The optimizer and the learning-rate schedule a run config asks for: optimizer sgd or adamw over the model's
// parameters, and the schedule over the run's updates.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "distill/run_config.hpp"
#include "framework/layers/module.hpp"
#include "framework/optim/lr_schedule.hpp"
#include "framework/optim/optimizer.hpp"

namespace lskd::distill {

// At the config's lr; the training loop sets each update's from the schedule.
std::unique_ptr<optim::Optimizer> make_run_optimizer(const RunConfig& config, std::vector<nn::NamedParameter> params);

// Over `steps_per_epoch`·epochs updates, with the config's milestones (epochs) converted to steps.
optim::Schedule make_run_schedule(const RunConfig& config, std::int64_t steps_per_epoch);

}  // namespace lskd::distill
