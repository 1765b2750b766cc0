// The parts of a run file the record-based analyses read (projection, erasure): the identity of the run,
// the class templates and the activation records of one epoch, checked for consistency on the way in.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "framework/io/h5_file.hpp"
#include "framework/tensor/eigen_view.hpp"

namespace lskd::study {

// /records/<split>/epoch_<E>: a fixed stratified subset of the split.
struct SplitRecords {
    std::string split;
    RowMatrixF penultimate;  // N×D
    RowMatrixF logits;       // N×K
    std::vector<int> labels;
    std::vector<std::int64_t> indices;  // original example indices
};

struct RecordedRun {
    std::string path;
    std::string model;
    std::string dataset;
    double smoothing = 0;  // α of the run's own targets
    std::int64_t num_classes = 0;
    std::vector<std::string> class_names;
    std::int64_t epochs_done = 0;
    std::int64_t epoch = 0;  // the epoch of the records below
    RowMatrixF weight;       // /classifier/weight, K×D: the templates at epochs_done
    Eigen::VectorXf bias;    // K
    SplitRecords train;
    std::optional<SplitRecords> val;  // absent for runs without a validation split and files of an older lskd
    SplitRecords test;
};

// Opens a run file for reading; an absent, damaged or non-lskd file is an Error naming it.
io::H5File open_run_file(const std::string& path);

// Reads the records of `epoch` (0: the last epoch recorded for both train and test) with the classifier, and
// the validation records of that epoch if the file has them. Throws lskd::Error naming the file if the records
// or the classifier are missing or inconsistent in shape.
RecordedRun read_recorded_run(const std::string& path, std::int64_t epoch = 0);

// The validation records of `run`; an Error naming its file and why they may be missing if it has none.
const SplitRecords& validation_records(const RecordedRun& run);

}  // namespace lskd::study
