// The model table: every model lskd builds, by command-line name, with its builder, the input shapes it is
// made for and a one-line description. make_model, the unknown-name error, every --help text that lists
// models and `lskd bench` all read this one table. It holds image classifiers and sequence models (Transformers,
// built from their vocabulary sizes by make_sequence_model) side by side, each entry marked with its kind.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "framework/core/random.hpp"
#include "framework/layers/transformer_block.hpp"
#include "models/classifier.hpp"
#include "models/transformer.hpp"

namespace lskd::models {

struct InputShape {
    std::int64_t height = 28;
    std::int64_t width = 28;
    std::int64_t channels = 1;

    std::string str() const;  // "28x28x1"
};

struct ModelOptions {
    std::vector<std::int64_t> hidden;  // model "mlp" only
    double dropout = 0.0;              // mlp models: before each hidden-to-next layer; sequence models: everywhere
    nn::Activation activation = nn::Activation::relu;  // sequence models: in the feed-forward blocks
};

enum class ModelKind { classifier, sequence };

using ModelBuilder = std::shared_ptr<Classifier> (*)(Rng& rng, const InputShape& input, std::int64_t num_classes,
                                                     std::uint64_t seed, const ModelOptions& options);
// The number of trainable parameters the builder would make, computed without building (saturating at the
// largest uint64 rather than wrapping).
using ParameterCounter = std::uint64_t (*)(const InputShape& input, std::int64_t num_classes,
                                           const ModelOptions& options);

// A sequence model from its source and target vocabulary sizes, and its parameter count without building it.
using SequenceBuilder = std::shared_ptr<Transformer> (*)(Rng& rng, std::int64_t source_vocab, std::int64_t target_vocab,
                                                         std::uint64_t seed, const ModelOptions& options);
using SequenceParameterCounter = std::uint64_t (*)(std::int64_t source_vocab, std::int64_t target_vocab);

struct ModelEntry {
    std::string name;
    std::string description;
    // The data sets' image shapes the model is made for (each is built and run by tests/models). Other
    // shapes (the "idx" data set's) are accepted while height and width are at least min_side.
    std::vector<InputShape> inputs;
    std::int64_t min_side = 1;  // below it the model's downsampling leaves no pixel
    ModelBuilder build = nullptr;
    ParameterCounter parameters = nullptr;
    bool takes_hidden = false;   // reads ModelOptions::hidden
    bool takes_dropout = false;  // reads ModelOptions::dropout
    // Sequence models leave inputs, build and parameters empty and fill these instead.
    ModelKind kind = ModelKind::classifier;
    SequenceBuilder build_sequence = nullptr;
    SequenceParameterCounter sequence_parameters = nullptr;
};

const std::vector<ModelEntry>& model_table();
// The names of the table's models of one kind, in its order: the image classifiers unless asked (every image
// command's choices).
const std::vector<std::string>& model_names(ModelKind kind = ModelKind::classifier);
std::string model_name_list(ModelKind kind = ModelKind::classifier);  // "mlp-1200, mlp-800, ..."
// One line per model of either kind, "  name  inputs  description" (a sequence model's inputs read "tokens"), for
// --help texts and listings.
std::string model_listing();

// The trainable parameters of a model by its table name, without building it. Unknown names are an Error.
std::uint64_t parameter_count(const std::string& name, const InputShape& input, std::int64_t num_classes,
                              const ModelOptions& options = {});
// Refuses, before anything is allocated, a model whose training state (parameters, gradients and SGD momentum:
// 12 bytes per parameter) would need more than half of this machine's physical memory, the other half left for
// activations, data and the rest; the Error names the model, its parameter count and the bytes it would need.
void check_model_fits(const std::string& name, const InputShape& input, std::int64_t num_classes,
                      const ModelOptions& options = {});

// Builds a model by its table name, with weights drawn from the seed. Errors name the model and what is
// wrong: an unknown name (listing every known one), fewer than 2 classes, a too small input, a model that does not
// fit in memory (check_model_fits).
std::shared_ptr<Classifier> make_model(const std::string& name, const InputShape& input, std::int64_t num_classes,
                                       std::uint64_t seed, const ModelOptions& options = {});

// A sequence model by its table name for the given vocabulary sizes (each over the 4 special ids), weights drawn
// from the seed. An unknown name, a classifier's name or one too large for memory is an Error naming it.
std::shared_ptr<Transformer> make_sequence_model(const std::string& name, std::int64_t source_vocab,
                                                 std::int64_t target_vocab, std::uint64_t seed,
                                                 const ModelOptions& options = {});
std::uint64_t sequence_parameter_count(const std::string& name, std::int64_t source_vocab, std::int64_t target_vocab);

}  // namespace lskd::models
