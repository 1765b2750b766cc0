#include "study/run_records.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "distill/checkpoint.hpp"
#include "framework/core/error.hpp"

namespace lskd::study {
namespace {

// Epochs E with a group epoch_<E> under /records/<split>.
std::set<std::int64_t> recorded_epochs(const io::H5File& f, const std::string& split) {
    std::set<std::int64_t> epochs;
    const std::string group = "/records/" + split;
    if (!f.is_group(group)) return epochs;
    for (const std::string& name : f.children(group)) {
        std::int64_t e = 0;
        const char* first = name.data() + 6;
        const char* last = name.data() + name.size();
        if (name.rfind("epoch_", 0) == 0 && std::from_chars(first, last, e).ptr == last) epochs.insert(e);
    }
    return epochs;
}

RowMatrixF read_matrix(const io::H5File& f, const std::string& path) {
    if (!f.is_dataset(path)) fail("{}: no dataset {}", f.path(), path);
    const Tensor t = f.read_tensor(path, 2);
    return as_matrix(t);
}

SplitRecords read_split(const io::H5File& f, const std::string& split, std::int64_t epoch, std::int64_t num_classes) {
    const std::string g = fmt::format("/records/{}/epoch_{}", split, epoch);
    SplitRecords r;
    r.split = split;
    r.penultimate = read_matrix(f, g + "/penultimate");
    r.logits = read_matrix(f, g + "/logits");
    for (const char* name : {"/labels", "/indices"})
        if (!f.is_dataset(g + name)) fail("{}: no dataset {}{}", f.path(), g, name);
    const auto labels = f.read<std::int32_t>(g + "/labels", 1).values;
    r.labels.assign(labels.begin(), labels.end());
    r.indices = f.read<std::int64_t>(g + "/indices", 1).values;
    const auto n = r.penultimate.rows();
    if (r.logits.rows() != n || static_cast<Eigen::Index>(r.labels.size()) != n ||
        static_cast<Eigen::Index>(r.indices.size()) != n)
        fail("{}: {} has {} penultimate rows, {} logit rows, {} labels and {} indices", f.path(), g, n, r.logits.rows(),
             r.labels.size(), r.indices.size());
    if (n == 0) fail("{}: {} holds no examples", f.path(), g);
    if (r.logits.cols() != num_classes)
        fail("{}: {}/logits has {} columns for {} classes", f.path(), g, r.logits.cols(), num_classes);
    for (int y : r.labels)
        if (y < 0 || y >= num_classes) fail("{}: {}/labels holds {}, outside [0, {})", f.path(), g, y, num_classes);
    return r;
}

}  // namespace

io::H5File open_run_file(const std::string& path) {
    io::H5File f = io::H5File::open_read(path);
    if (!f.has_attr("/", "format") || f.attr_string("/", "format") != distill::kRunFormat)
        fail("{}: not an lskd run file (no '{}' format attribute)", path, distill::kRunFormat);
    return f;
}

RecordedRun read_recorded_run(const std::string& path, std::int64_t epoch) {
    const io::H5File f = open_run_file(path);
    RecordedRun run;
    run.path = path;
    run.model = f.attr_string("/", "model");
    run.dataset = f.attr_string("/", "dataset");
    run.smoothing = f.attr_double("/", "smoothing");
    run.num_classes = f.attr_int64("/", "num_classes");
    run.class_names = f.attr_strings("/", "class_names");
    run.epochs_done = f.attr_int64("/", "epochs_done");
    if (static_cast<std::int64_t>(run.class_names.size()) != run.num_classes)
        fail("{}: {} class names for {} classes", path, run.class_names.size(), run.num_classes);

    const std::set<std::int64_t> train = recorded_epochs(f, "train"), test = recorded_epochs(f, "test");
    std::vector<std::int64_t> both;
    std::set_intersection(train.begin(), train.end(), test.begin(), test.end(), std::back_inserter(both));
    if (both.empty()) fail("{}: no activation records under /records/train and /records/test", path);
    if (epoch == 0) {
        epoch = both.back();
    } else if (!std::binary_search(both.begin(), both.end(), epoch)) {
        fail("{}: no records of epoch {} for both splits (recorded: {})", path, epoch, fmt::join(both, ", "));
    }
    run.epoch = epoch;

    run.weight = read_matrix(f, "/classifier/weight");
    if (!f.is_dataset("/classifier/bias")) fail("{}: no dataset /classifier/bias", path);
    const Tensor bias = f.read_tensor("/classifier/bias", 1);
    run.bias = as_vector(bias);
    if (run.weight.rows() != run.num_classes || run.bias.size() != run.num_classes)
        fail("{}: the classifier has {} rows and {} biases for {} classes", path, run.weight.rows(), run.bias.size(),
             run.num_classes);
    run.train = read_split(f, "train", epoch, run.num_classes);
    run.test = read_split(f, "test", epoch, run.num_classes);
    if (recorded_epochs(f, "val").contains(epoch)) run.val = read_split(f, "val", epoch, run.num_classes);
    for (const SplitRecords* r : {&run.train, run.val ? &*run.val : nullptr, &run.test})
        if (r != nullptr && r->penultimate.cols() != run.weight.cols())
            fail("{}: {} records have {} penultimate features, the classifier takes {}", path, r->split,
                 r->penultimate.cols(), run.weight.cols());
    return run;
}

const SplitRecords& validation_records(const RecordedRun& run) {
    if (!run.val)
        fail("{}: no validation records of epoch {} (/records/val/epoch_{}): the run was trained without a "
             "validation split (val-size 0) or by an lskd that did not record one; train it again with val-size > 0",
             run.path, run.epoch, run.epoch);
    return *run.val;
}

}  // namespace lskd::study
