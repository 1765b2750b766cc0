// A run's checkpoint (checkpoint.h5 in its directory, distill/run_directory.hpp): the header (config, classes,
// progress, metrics, teacher) and the state it resumes from, rewritten whole and atomically after every epoch, so
// its cost depends on the model and never on the epoch. The header reads without the state. docs/run-file.md.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "distill/run_config.hpp"
#include "distill/run_directory.hpp"
#include "framework/data/image_folder_dataset.hpp"
#include "framework/data/normalization.hpp"
#include "framework/io/background_commits.hpp"
#include "framework/layers/module.hpp"
#include "models/classifier.hpp"
#include "models/model_registry.hpp"

namespace lskd::distill {

struct TeacherInfo {
    std::string file;
    std::string hash;  // of the teacher's parameters, so analyses added to its file do not change it
    double alpha = 0;
    double test_acc = 0;
    double gamma = 0;  // the student's equivalent smoothing
};

// What a sequence-to-sequence run trains on (docs/method.md §15): its corpus and both vocabularies, stored so that
// the run decodes alone.
struct SequenceHeader {
    std::string corpus;                           // a built-in set's name or a file
    std::string corpus_hash;                      // of the examples as read
    std::string source_vocab_kind, source_vocab;  // data::Vocabulary::kind() and serialize()
    std::string target_vocab_kind, target_vocab;
};

// Everything of the checkpoint but the state: what planning, tables and checks read.
struct RunHeader {
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
    std::optional<TeacherInfo> teacher;
    std::optional<SequenceHeader> sequence;     // sequence-to-sequence runs only
    std::optional<data::FolderSummary> folder;  // image folders only: what the scan and decoding left out
    // The file `lskd import` converted; empty for a run lskd trained. An imported run has no optimizer state and no
    // epochs, so it evaluates and exports but never resumes.
    std::string imported_from;
    // Seconds outside the epochs' phases, summed over the fresh run and its resumes (docs/run-file.md).
    double setup_seconds = 0;  // train() up to the first epoch: output lock, resume read, model and record subsets
    double write_seconds = 0;  // taking records and writing the run's files: every write before this checkpoint's own
};

// The header and the state a run resumes from.
struct RunContents : RunHeader {
    nn::StateDict params;  // parameters and buffers by dotted name
    nn::StateDict optimizer;
    nn::CounterDict counters;
};

// The rows of a model's output layer, its class (or token) templates: weight [K, D] and bias [K].
struct Templates {
    const Tensor* weight = nullptr;
    const Tensor* bias = nullptr;
};
// A classifier's head.
Templates head_templates(const models::Classifier& classifier);

// Writes the checkpoint of the run at `run` atomically: `contents`, and the templates as /classifier/{weight,bias}.
// With `commits` (the trainer's write after every epoch), it is written into the run's spare in place and the move
// into place (fsync, exchange of the two names) finishes in the background.
void write_checkpoint(const RunDirectory& run, const RunContents& contents, const Templates& templates,
                      io::BackgroundCommits* commits = nullptr);

// Reads the header of the run at `path` (a run directory) without its state; every problem is an Error naming the
// file, and a run file of an earlier lskd names the command that converts it.
RunHeader read_run_header(const std::string& path);

// Reads the header and the state of the run at `path`, as read_run_header does.
RunContents load_run(const std::string& path);

// Rebuilds the run's model with its stored parameters.
std::shared_ptr<models::Classifier> load_model(const RunContents& run);

// A hash of the parameter values (FNV-1a over names and bytes), hex.
std::string parameter_hash(const nn::StateDict& params);

}  // namespace lskd::distill
