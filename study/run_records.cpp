#include "study/run_records.hpp"

#include <algorithm>
#include <filesystem>
#include <iterator>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "distill/checkpoint.hpp"
#include "framework/core/error.hpp"
#include "framework/io/h5_file.hpp"

namespace lskd::study {
namespace {

// The epochs recorded for both train and test that the checkpoint covers: a kill between a record and its
// checkpoint leaves a record of an epoch the run will train again.
std::vector<std::int64_t> common_epochs(const distill::RunDirectory& dir, std::int64_t epochs_done) {
    const std::vector<std::int64_t> train = dir.recorded_epochs("train"), test = dir.recorded_epochs("test");
    std::vector<std::int64_t> both;
    std::set_intersection(train.begin(), train.end(), test.begin(), test.end(), std::back_inserter(both));
    std::erase_if(both, [epochs_done](std::int64_t e) { return e > epochs_done; });
    return both;
}

std::int64_t chosen_epoch(const distill::RunDirectory& dir, std::int64_t epochs_done, std::int64_t epoch) {
    const std::vector<std::int64_t> both = common_epochs(dir, epochs_done);
    if (both.empty()) fail("{}: no activation records of train and test in {}", dir.dir(), dir.records_dir());
    if (epoch == 0) return both.back();
    if (!std::binary_search(both.begin(), both.end(), epoch))
        fail("{}: no records of epoch {} for both splits (recorded: {})", dir.dir(), epoch, fmt::join(both, ", "));
    return epoch;
}

void read_classifier(const std::string& checkpoint, RecordedRun& run) {
    const io::H5File f = io::H5File::open_read(checkpoint);
    for (const char* name : {"/classifier/weight", "/classifier/bias"})
        if (!f.is_dataset(name)) fail("{}: no dataset {}", checkpoint, name);
    const Tensor weight = f.read_tensor("/classifier/weight", 2), bias = f.read_tensor("/classifier/bias", 1);
    run.weight = as_matrix(weight);
    run.bias = as_vector(bias);
    if (run.weight.rows() != run.num_classes || run.bias.size() != run.num_classes)
        fail("{}: the classifier has {} rows and {} biases for {} classes", checkpoint, run.weight.rows(),
             run.bias.size(), run.num_classes);
}

distill::StoredOutputs read_records(const distill::RunDirectory& dir, const std::string& split,
                                    const RecordedRun& run) {
    const std::string path = dir.record(split, run.epoch);
    distill::StoredOutputs r = distill::read_split_outputs(path, run.num_classes, true);
    if (r.outputs.labels.empty()) fail("{}: holds no examples", path);
    if (r.outputs.penultimate.dim(1) != run.weight.cols())
        fail("{}: {} penultimate features, the classifier takes {}", path, r.outputs.penultimate.dim(1),
             run.weight.cols());
    return r;
}

}  // namespace

RecordedRun read_recorded_run(const std::string& path, std::int64_t epoch) {
    const distill::RunHeader header = distill::read_run_header(path);
    const distill::RunDirectory dir(path);
    RecordedRun run;
    run.path = path;
    run.model = header.config.model;
    run.dataset = header.config.dataset;
    run.smoothing = header.config.smoothing;
    run.num_classes = header.num_classes;
    run.class_names = header.class_names;
    run.epochs_done = header.epochs_done;
    if (static_cast<std::int64_t>(run.class_names.size()) != run.num_classes)
        fail("{}: {} class names for {} classes", dir.checkpoint(), run.class_names.size(), run.num_classes);
    run.epoch = chosen_epoch(dir, header.epochs_done, epoch);
    read_classifier(dir.checkpoint(), run);
    run.train = read_records(dir, "train", run);
    run.test = read_records(dir, "test", run);
    if (std::filesystem::exists(dir.record("val", run.epoch))) run.val = read_records(dir, "val", run);
    return run;
}

const distill::StoredOutputs& validation_records(const RecordedRun& run) {
    if (!run.val)
        fail("{}: no validation records of epoch {} ({}): the run was trained without a validation split "
             "(val-size 0); train it again with val-size > 0",
             run.path, run.epoch, distill::RunDirectory(run.path).record("val", run.epoch));
    return *run.val;
}

}  // namespace lskd::study
