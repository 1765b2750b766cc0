#include "distill/pipeline_benchmark.hpp"

#include "distill/run_config.hpp"
#include "framework/core/error.hpp"
#include "framework/data/folder_stream.hpp"

namespace lskd::distill {

std::map<std::string, double> PipelineBenchmark::numbers() const {
    return {{"threads", threads},
            {"batch", static_cast<double>(spec.batch)},
            {"size", static_cast<double>(spec.size)},
            {"images", static_cast<double>(images)},
            {"scaled_decode", spec.scaled_decode ? 1.0 : 0.0},
            {"batch_ms", 1e3 * batch.wall_s},
            {"batch_cpu_ms", 1e3 * batch.cpu_s},
            {"img_per_s", images_per_second()},
            {"img_per_cpu_s", images_per_cpu_second()}};
}

PipelineBenchmark run_pipeline_benchmark(const PipelineBenchmarkSpec& spec) {
    if (spec.batch <= 0 || spec.size <= 0 || spec.batches <= 0 || spec.warmup < 0)
        fail("bench --pipeline: batch ({}), size ({}) and timed batches ({}) must be positive", spec.batch, spec.size,
             spec.batches);
    const data::ScannedTree tree = data::scan_image_tree(spec.dir);
    if (tree.entries.size() < static_cast<std::size_t>(spec.batch))
        fail("{}: {} images, fewer than one batch of {}", spec.dir.string(), tree.entries.size(), spec.batch);
    PipelineBenchmark out;
    out.spec = spec;
    out.threads = spec.threads > 0 ? spec.threads : max_threads();
    out.images = tree.entries.size();
    data::FolderStreamSpec s = data::train_stream_spec(static_cast<std::size_t>(spec.batch), spec.seed);
    s.drop_last = true;  // every timed batch holds spec.batch images
    s.train.size = spec.size;
    s.scaled_decode = spec.scaled_decode;
    s.threads = out.threads;
    data::FolderStream stream(tree.root, tree.entries, data::imagenet_normalization(), s);
    data::Batch b;
    std::uint64_t epoch = 0;
    stream.begin_epoch(epoch);
    const auto step = [&] {
        while (!stream.next(b)) stream.begin_epoch(++epoch);
    };
    out.batch = time_steps(step, spec.warmup, spec.batches);
    return out;
}

}  // namespace lskd::distill
