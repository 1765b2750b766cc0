// A run directory for a model lskd did not train (lskd import): the model's parameters and buffers in the
// checkpoint layout (docs/run-file.md), marked imported (root attribute imported_from), with no optimizer state and no
// epochs, so that eval, export and the analyses of a model take it and train --resume refuses it.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "distill/checkpoint.hpp"
#include "distill/run_directory.hpp"
#include "framework/data/dataset.hpp"
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
    // An image folder's: Resize(image_resize) + CenterCrop(the input's side), torchvision's eval preset, and the
    // validation images carved from DIR/train (or the one tree) for temperature scaling.
    std::int64_t image_resize = 0;
    std::int64_t val_size = 10000;
};

// The table's model with `state`'s values. The state must name exactly its parameters and buffers with their
// shapes: the Error names `source` and lists every missing key, every unexpected one and every wrong shape.
std::shared_ptr<models::Classifier> build_imported_model(const ImportedModel& m, const nn::StateDict& state);

// Writes the checkpoint of `run` (a directory that exists) atomically from the built model.
void write_imported_run(const RunDirectory& run, const ImportedModel& m, const models::Classifier& model);

// Gives the imported run at `run` what a trained run ends with, so that every analysis takes it: the whole
// validation and test splits' outputs and the activation records of each split (record_per_class examples a class),
// all as of epoch 0, from `model` on `dataset`, whose normalisation the caller sets to the run's. An Error for a
// run lskd trained.
void write_imported_outputs(const RunDirectory& run, const RunHeader& header, models::Classifier& model,
                            const data::Dataset& dataset);

}  // namespace lskd::distill
