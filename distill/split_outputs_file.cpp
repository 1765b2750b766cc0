#include "distill/split_outputs_file.hpp"

#include <filesystem>

#include "framework/core/error.hpp"
#include "framework/io/atomic_file.hpp"
#include "framework/io/h5_file.hpp"
#include "framework/io/output_policy.hpp"
#include "framework/ops/precision.hpp"

namespace lskd::distill {
namespace {

// Written once and read by every analysis: each dataset in one block with a CRC-32, which costs a copy to write and
// nothing to decode. Post-ReLU features would deflate to about half, at a cost that was most of a run's writing
// (docs/run-file.md).
constexpr io::Storage kStored = io::Storage::contiguous;

void check_shapes(const std::string& path, const StoredOutputs& s, std::int64_t num_classes, bool need_penultimate) {
    const SplitOutputs& o = s.outputs;
    const std::int64_t n = o.logits.dim(0);
    if (o.logits.dim(1) != num_classes)
        fail("{}: logits have {} columns for a run of {} classes", path, o.logits.dim(1), num_classes);
    if (static_cast<std::int64_t>(o.labels.size()) != n || static_cast<std::int64_t>(o.indices.size()) != n)
        fail("{}: {} rows of logits but {} labels and {} indices", path, n, o.labels.size(), o.indices.size());
    for (std::size_t i = 0; i < o.labels.size(); ++i)
        if (o.labels[i] < 0 || o.labels[i] >= num_classes)
            fail("{}: label {} at entry {} is outside [0, {})", path, o.labels[i], i, num_classes);
    if (need_penultimate && !o.penultimate.defined()) fail("{}: no penultimate features", path);
    if (o.penultimate.defined() && o.penultimate.dim(0) != n)
        fail("{}: {} rows of penultimate features for {} rows of logits", path, o.penultimate.dim(0), n);
}

}  // namespace

void write_split_outputs(const std::string& path, const std::string& split, std::int64_t epoch, const SplitOutputs& o,
                         io::BackgroundCommits* commits) {
    io::make_output_directory(std::filesystem::path(path).parent_path().string());
    // The model ran in the writing thread's precision (the run's); the fill may run on a background thread.
    const std::string precision = ops::compute_precision() == ops::Precision::bf16 ? "bf16" : "f32";
    const auto fill = [&, precision](io::H5File& f) {
        f.set_attr("/", "split", split);
        f.set_attr("/", "epoch", epoch);
        f.set_attr("/", "precision", precision);
        if (o.penultimate.defined()) f.write("/penultimate", o.penultimate, kStored);
        f.write("/logits", o.logits, kStored);
        f.write("/labels", o.labels, kStored);
        f.write("/indices", o.indices, kStored);
    };
    if (commits != nullptr)
        io::atomic_write(path, fill, *commits);
    else
        io::atomic_write(path, fill);
}

StoredOutputs read_split_outputs(const std::string& path, std::int64_t num_classes, bool need_penultimate) {
    if (!std::filesystem::exists(path)) fail("{}: no such file (is the run complete?)", path);
    const io::H5File f = io::H5File::open_read(path);
    StoredOutputs s;
    s.split = f.attr_string("/", "split");
    s.epoch = f.attr_int64("/", "epoch");
    s.outputs.logits = f.read_tensor("/logits", 2);
    s.outputs.labels = f.read<std::int32_t>("/labels", 1).values;
    s.outputs.indices = f.read<std::int64_t>("/indices", 1).values;
    if (f.has("/penultimate")) s.outputs.penultimate = f.read_tensor("/penultimate", 2);
    check_shapes(path, s, num_classes, need_penultimate);
    return s;
}

}  // namespace lskd::distill
