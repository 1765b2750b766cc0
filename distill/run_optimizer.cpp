#include "distill/run_optimizer.hpp"

#include "framework/core/error.hpp"
#include "framework/optim/adamw.hpp"
#include "framework/optim/sgd.hpp"

namespace lskd::distill {

std::unique_ptr<optim::Optimizer> make_run_optimizer(const RunConfig& config, std::vector<nn::NamedParameter> params) {
    if (config.optimizer == "sgd") {
        optim::SgdOptions o;
        o.lr = config.lr;
        o.momentum = config.momentum;
        o.nesterov = config.nesterov;
        o.weight_decay = config.weight_decay;
        o.decay_biases_and_norm = config.decay_biases;
        return std::make_unique<optim::SGD>(std::move(params), o);
    }
    if (config.optimizer == "adamw") {
        optim::AdamWOptions o;
        o.lr = config.lr;
        o.beta1 = config.adam_betas[0];
        o.beta2 = config.adam_betas[1];
        o.eps = config.adam_eps;
        o.weight_decay = config.weight_decay;
        o.decay_biases_and_norm = config.decay_biases;
        return std::make_unique<optim::AdamW>(std::move(params), o);
    }
    fail("unknown optimizer '{}' (expected sgd or adamw)", config.optimizer);
}

optim::Schedule make_run_schedule(const RunConfig& config, std::int64_t steps_per_epoch) {
    return optim::make_schedule(config.schedule, config.lr, steps_per_epoch * config.epochs,
                                optim::epoch_milestones_to_steps(config.milestones, steps_per_epoch), config.lr_gamma,
                                config.warmup);
}

}  // namespace lskd::distill
