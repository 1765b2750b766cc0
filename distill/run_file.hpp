// The run file: one HDF5 file per training run, written anew and renamed into place after every epoch so
// that it is at once the checkpoint to resume from and the record the analyses read. Schema: docs/run-file.md.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "distill/evaluation.hpp"
#include "distill/run_config.hpp"
#include "framework/data/normalization.hpp"
#include "framework/layers/module.hpp"
#include "models/classifier.hpp"
#include "models/model_registry.hpp"

namespace lskd::distill {

inline constexpr const char* kRunFormat = "lskd-run/2";

struct TeacherInfo {
    std::string file;
    std::string hash;  // of the teacher's parameters, so analyses added to its file do not change it
    double alpha = 0;
    double test_acc = 0;
    double gamma = 0;  // the student's equivalent smoothing
};

// Everything in a run file except the activation records.
struct RunContents {
    RunConfig config;
    std::int64_t num_classes = 0;
    std::vector<std::string> class_names;
    models::InputShape input;
    data::Normalization normalization;
    std::int64_t epochs_done = 0;
    bool complete = false;
    std::int64_t world_size = 1;                         // MPI ranks of a data-parallel run (docs/scale.md)
    std::map<std::string, std::vector<double>> metrics;  // one value per completed epoch
    // The epoch metrics measured before and within the first epoch, and `epoch`: when (0 before the first step,
    // fractions of the first epoch after).
    std::map<std::string, std::vector<double>> early_metrics;
    nn::StateDict params;  // parameters and buffers by dotted name
    nn::StateDict optimizer;
    nn::CounterDict counters;
    std::optional<TeacherInfo> teacher;
    // Seconds outside the epochs' phases, summed over the fresh run and its resumes (docs/run-file.md).
    double setup_seconds = 0;  // train() up to the first epoch: output lock, resume read, model and record subsets
    double write_seconds = 0;  // taking records and writing run files: every write before this file's own
};

struct RecordSet {
    std::string split;  // "train", "val" (runs with a validation split) or "test"
    std::int64_t epoch = 0;
    SplitOutputs outputs;  // with penultimate
};

// Writes the run file at `path` atomically as a new file: `contents`, then, unless `fresh`, the records of
// the file it replaces (copied as stored), then `records`. `final_test` (full test-set logits and labels) is
// written once, at the last epoch. `classifier` gives /classifier/{weight,bias}. The cost is the size of the
// contents and of the records kept, whatever the epoch. Analyses of the replaced file are not carried over:
// they described a model that training has since changed.
void save_run(const std::string& path, const RunContents& contents, const models::Classifier& classifier,
              std::span<const RecordSet> records, const SplitOutputs* final_test, bool fresh);

// Sets write_seconds of the complete run file at `path` to `total`, which counts the write that made the file: a
// file cannot hold the duration of its own writing. An atomic update (a copy of the file) whose own duration is
// left uncounted.
void record_write_seconds(const std::string& path, double total);

// Reads a run file, checking that it is lskd's and whole; every problem is an Error naming the file.
RunContents load_run(const std::string& path);

// Rebuilds the run's model with its stored parameters.
std::shared_ptr<models::Classifier> load_model(const RunContents& run);

// A hash of the parameter values (FNV-1a over names and bytes), hex.
std::string parameter_hash(const nn::StateDict& params);

}  // namespace lskd::distill
