#include "distill/teacher_logits.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <unordered_set>

#include "analysis/equivalent_smoothing.hpp"
#include "distill/checkpoint.hpp"
#include "distill/run_directory.hpp"
#include "framework/core/error.hpp"
#include "framework/io/h5_file.hpp"

namespace lskd::distill {
namespace {

struct SplitLogits {
    Tensor logits;                      // [N, K] as in the file
    std::vector<std::int64_t> indices;  // N original indices
};

// /<split>/logits and /<split>/indices: shapes agree with each other and with K, every logit is finite, indices
// are unique, non-negative and below `index_bound` (when it is not 0, the size of the split's file).
SplitLogits read_split(const io::H5File& file, const std::string& path, const std::string& split, std::int64_t K,
                       std::int64_t index_bound) {
    const std::string where = fmt::format("{} /{}", path, split);
    if (!file.has("/" + split + "/logits") || !file.has("/" + split + "/indices"))
        fail("{}: needs both /{}/logits and /{}/indices", path, split, split);
    SplitLogits s;
    s.logits = file.read_tensor("/" + split + "/logits", 2);
    s.indices = file.read<std::int64_t>("/" + split + "/indices", 1).values;
    const std::int64_t n = s.logits.dim(0);
    if (s.logits.dim(1) != K) fail("{}/logits: has {} columns, but K is {}", where, s.logits.dim(1), K);
    if (static_cast<std::int64_t>(s.indices.size()) != n)
        fail("{}: {} rows of logits but {} indices", where, n, s.indices.size());
    for (std::int64_t i = 0; i < s.logits.numel(); ++i)
        if (!std::isfinite(s.logits.data()[i]))
            fail("{}/logits: row {} column {} is {}", where, i / K, i % K, s.logits.data()[i]);
    std::unordered_set<std::int64_t> seen;
    for (std::size_t r = 0; r < s.indices.size(); ++r) {
        const std::int64_t idx = s.indices[r];
        if (idx < 0 || (index_bound != 0 && idx >= index_bound))
            fail("{}/indices: row {} is {}, outside the data set's {} examples [0, {})", where, r, idx, split,
                 index_bound != 0 ? std::to_string(index_bound) : "?");
        if (!seen.insert(idx).second) fail("{}/indices: example {} appears more than once", where, idx);
    }
    return s;
}

// A root string attribute. h5py writes a Python str as a variable-length string, which lskd refuses to read
// (a damaged one crashes libhdf5 1.10), so the error says how to write it instead.
std::string root_string(const io::H5File& file, const char* name) {
    try {
        return file.attr_string("/", name);
    } catch (const Error& e) {
        fail("{}; from h5py, write it as numpy.bytes_ (docs/teacher-logits.md)", e.what());
    }
}

// The root attributes: the format (when given), the data set and K, which must be the student's. Returns K.
std::int64_t check_root(const io::H5File& file, const std::string& path, const data::Dataset& dataset) {
    if (file.has_attr("/", "format")) {
        const std::string format = root_string(file, "format");
        if (format != kTeacherLogitsFormat)
            fail("{}: format attribute is '{}', not '{}'", path, format, kTeacherLogitsFormat);
    }
    for (const char* attr : {"dataset", "num_classes"})
        if (!file.has_attr("/", attr)) fail("{}: missing the root attribute '{}' (docs/teacher-logits.md)", path, attr);
    const std::string name = root_string(file, "dataset");
    if (name != dataset.name) fail("{}: logits of data set '{}', but the student uses '{}'", path, name, dataset.name);
    const std::int64_t K = file.attr_int64("/", "num_classes");
    if (K != dataset.num_classes)
        fail("{}: num_classes is {}, but data set {} has {} classes", path, K, dataset.name, dataset.num_classes);
    return K;
}

// The teacher's accuracy on the student's test examples that `test` covers; NaN when it covers none.
double test_accuracy(const SplitLogits& test, const data::ImageSplit& test_set) {
    std::unordered_map<std::int64_t, std::int32_t> label;
    for (std::size_t i = 0; i < test_set.size(); ++i) label.emplace(test_set.original_index(i), test_set.labels()[i]);
    const std::int64_t K = test.logits.dim(1);
    std::int64_t scored = 0, correct = 0;
    for (std::size_t r = 0; r < test.indices.size(); ++r) {
        const auto it = label.find(test.indices[r]);
        if (it == label.end()) continue;
        const float* z = test.logits.data() + static_cast<std::int64_t>(r) * K;
        correct += std::max_element(z, z + K) - z == it->second;
        ++scored;
    }
    return scored > 0 ? static_cast<double>(correct) / static_cast<double>(scored)
                      : std::numeric_limits<double>::quiet_NaN();
}

// The table the student looks up: row i is the file's row of the student's training example i, and every example
// must have one. `row` maps each original index to its row.
TrainLogits train_table(const std::string& path, const SplitLogits& train, const data::ImageSplit& set,
                        std::unordered_map<std::int64_t, std::int64_t>& row) {
    std::unordered_map<std::int64_t, std::int64_t> file_row;
    for (std::size_t r = 0; r < train.indices.size(); ++r)
        file_row.emplace(train.indices[r], static_cast<std::int64_t>(r));
    const std::int64_t n = static_cast<std::int64_t>(set.size()), K = train.logits.dim(1);
    const std::span<const std::int32_t> labels = set.labels();
    TrainLogits table{Tensor::empty({n, K}), {labels.begin(), labels.end()}, {}};
    for (std::size_t i = 0; i < set.size(); ++i) table.indices.push_back(set.original_index(i));
    std::int64_t missing = 0, first_missing = -1;
    for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t idx = table.indices[static_cast<std::size_t>(i)];
        const auto it = file_row.find(idx);
        if (it == file_row.end()) {
            if (missing++ == 0) first_missing = idx;
            continue;
        }
        std::memcpy(table.logits.data() + i * K, train.logits.data() + it->second * K,
                    static_cast<std::size_t>(K) * sizeof(float));
        row.emplace(idx, i);
    }
    if (missing != 0)
        fail("{} /train/indices: {} of the student's {} training examples have no logits (the first: example {})", path,
             missing, n, first_missing);
    return table;
}

}  // namespace

TeacherLogits::TeacherLogits(const std::string& path, const RunConfig& student, const data::Dataset& dataset) {
    if (student.augment)
        fail("{}: teacher logits are fixed per example, so they cannot follow augmented inputs; train the student "
             "with --augment 0, or give a teacher run (--teacher) that runs on each augmented batch",
             path);
    if (is_run_directory(path))
        fail("{}: a run directory, not a file of teacher logits; give it as the teacher run with --teacher {}", path,
             path);
    const io::H5File file = io::H5File::open_read(path);
    const std::int64_t K = check_root(file, path, dataset);

    // Without subsampling, the training and validation splits together are the whole training file.
    const data::ImageSplit train_set = data::image_split(dataset, data::SplitName::train);
    const data::ImageSplit test_set = data::image_split(dataset, data::SplitName::test);
    const std::int64_t train_file =
        student.max_train == 0
            ? static_cast<std::int64_t>(train_set.size() + data::image_split(dataset, data::SplitName::val).size())
            : 0;
    const std::int64_t test_file = student.max_test == 0 ? static_cast<std::int64_t>(test_set.size()) : 0;
    const SplitLogits train = read_split(file, path, "train", K, train_file);
    if (file.has("/val")) read_split(file, path, "val", K, train_file);
    train_ = train_table(path, train, train_set, row_);

    info_.file = path;
    info_.hash = parameter_hash({{"train/logits", train.logits}});
    info_.alpha = file.has_attr("/", "smoothing") ? file.attr_double("/", "smoothing")
                                                  : std::numeric_limits<double>::quiet_NaN();
    info_.test_acc = file.has("/test") ? test_accuracy(read_split(file, path, "test", K, test_file), test_set)
                                       : std::numeric_limits<double>::quiet_NaN();
    info_.gamma = analysis::equivalent_smoothing(as_matrix(train_.logits), train_.labels, student.temperature);
}

const Tensor& TeacherLogits::logits(const data::Batch& batch) {
    const std::int64_t n = static_cast<std::int64_t>(batch.size()), K = train_.logits.dim(1);
    if (!out_.defined() || out_.dim(0) != n || !out_.unique()) out_ = Tensor::empty({n, K});
    for (std::int64_t i = 0; i < n; ++i) {
        const auto it = row_.find(batch.indices[static_cast<std::size_t>(i)]);
        if (it == row_.end())
            fail("{}: no logits for training example {}", info_.file, batch.indices[static_cast<std::size_t>(i)]);
        std::memcpy(out_.data() + i * K, train_.logits.data() + it->second * K,
                    static_cast<std::size_t>(K) * sizeof(float));
    }
    return out_;
}

}  // namespace lskd::distill
