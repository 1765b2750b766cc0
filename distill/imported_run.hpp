// A run directory for a model lskd did not train (lskd import): the model's parameters and buffers in the
// checkpoint layout (docs/run-file.md), marked imported (root attribute imported_from), with no optimizer state and no
// epochs, so that eval, export and the analyses of a model take it and train --resume refuses it.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "distill/run_directory.hpp"
#include "framework/data/normalization.hpp"
#include "framework/layers/module.hpp"
#include "models/classifier.hpp"
#include "models/model_registry.hpp"

namespace lskd::distill {

struct ImportedModel {
    std::string source;  // the file the parameters came from, named in messages and stored in the run
    std::string model;   // a classifier of the model table
    models::InputShape input;
    std::vector<std::string> class_names;  // K
    data::Normalization normalization;
    std::string dataset, data_dir;  // what `lskd eval` scores it on (eval --data-dir can point elsewhere)
};

// torchvision's ImageNet normalisation: mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225) of pixel/255.
data::Normalization imagenet_normalization();

// The table's model with `state`'s values. The state must name exactly its parameters and buffers with their
// shapes: the Error names `source` and lists every missing key, every unexpected one and every wrong shape.
std::shared_ptr<models::Classifier> build_imported_model(const ImportedModel& m, const nn::StateDict& state);

// Writes the checkpoint of `run` (a directory that exists) atomically from the built model.
void write_imported_run(const RunDirectory& run, const ImportedModel& m, const models::Classifier& model);

}  // namespace lskd::distill
