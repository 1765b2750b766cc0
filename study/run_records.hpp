// The parts of a run directory the record-based analyses read (projection, erasure): the run's header, the class
// templates of its checkpoint and the activation records of one epoch (records/<split>_epoch_<E>.h5), checked for
// consistency on the way in.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "distill/split_outputs_file.hpp"
#include "framework/tensor/eigen_view.hpp"

namespace lskd::study {

struct RecordedRun {
    std::string path;  // the run directory
    std::string model;
    std::string dataset;
    double smoothing = 0;  // α of the run's own targets
    std::int64_t num_classes = 0;
    std::vector<std::string> class_names;
    std::int64_t epochs_done = 0;
    std::int64_t epoch = 0;  // the epoch of the records below
    RowMatrixF weight;       // the checkpoint's /classifier/weight, K×D: the templates at epochs_done
    Eigen::VectorXf bias;    // K
    // Fixed stratified subsets of the splits, with their penultimate features.
    distill::StoredOutputs train;
    std::optional<distill::StoredOutputs> val;  // absent for runs without a validation split
    distill::StoredOutputs test;
};

// Reads the records of `epoch` (0: the last epoch recorded for both train and test that the checkpoint covers)
// with the classifier, and the validation records of that epoch if the run has them. Throws lskd::Error naming the
// run or file if the records or the classifier are missing or inconsistent in shape.
RecordedRun read_recorded_run(const std::string& path, std::int64_t epoch = 0);

// The validation records of `run`; an Error naming its run and why they may be missing if it has none.
const distill::StoredOutputs& validation_records(const RecordedRun& run);

}  // namespace lskd::study
