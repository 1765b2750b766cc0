// What a kind of run brings to the one trainer (distill/trainer.cpp): its model, the header fields that describe what
// it trains on, its task (distill/task.hpp), the epoch metrics it measures and the templates its checkpoint stores.
// The trainer owns the rest: the optimizer, the schedule, the ranks, the loop over epochs and the run's files.
// Kinds: classification (distill/classification_run.hpp) and sequence-to-sequence (distill/sequence_run.hpp).
#pragma once
#include <memory>
#include <optional>

#include "distill/checkpoint.hpp"
#include "distill/early_metrics.hpp"
#include "distill/run_config.hpp"
#include "distill/task.hpp"
#include "framework/distributed/world.hpp"
#include "framework/layers/module.hpp"

namespace lskd::distill {

class RunKind {
public:
    virtual ~RunKind() = default;
    // Checks the config against the data before anything is built (an Error names the key and what is wrong).
    virtual void check(const RunConfig& config) = 0;
    // Whether the run learns from a teacher (a student).
    virtual bool has_teacher() const = 0;
    // The model the config asks for, its weights drawn from config.seed; kept by the kind for the calls below.
    virtual std::shared_ptr<nn::Module> make_model(const RunConfig& config) = 0;
    // A fresh run's header: what the run trains on (classes or vocabularies, input, normalisation, teacher).
    virtual void describe(RunHeader& header) const = 0;
    // What the run learnt of its data by the end of an epoch, into the header then written (a streamed image folder's
    // bad files met so far); most kinds learn nothing.
    virtual void update_header(RunHeader&) const {}
    // That a resumed run's header describes the data given now (an Error naming `path` otherwise).
    virtual void check_resumed(const RunHeader& header, const std::string& path) const = 0;
    // The task over the model made; `world`: the ranks evaluation is shared among, or nullptr.
    virtual std::unique_ptr<Task> make_task(const RunConfig& config, const distributed::World* world) = 0;
    // The epoch metrics of the run (mi-every's and the caller's), or nullptr for a kind without any.
    virtual EpochMetrics* epoch_metrics() = 0;
    // The templates the checkpoint stores as /classifier/{weight, bias}: the rows of the model's output layer.
    virtual Templates templates() const = 0;
};

}  // namespace lskd::distill
