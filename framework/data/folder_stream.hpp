// FolderStream: a BatchSource that decodes image files as batches are asked for, so a folder need not fit in
// memory. A TBB pipeline reads each file (serially, in order), decodes and transforms it (in parallel, with
// per-thread decoders and buffers) straight into the batch's preallocated rows, and finishes the batch in order.
// A view depends only on (seed, epoch, original index): never on the thread count or timing. docs/data.md
// ("Streaming a folder") says where scaled decoding departs from torchvision's full decode.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "framework/data/bad_file_log.hpp"
#include "framework/data/batch_source.hpp"
#include "framework/data/image_folder.hpp"
#include "framework/data/image_transforms.hpp"
#include "framework/data/jpeg_decoder.hpp"
#include "framework/data/normalization.hpp"

namespace lskd::data {

enum class StreamTransform { train, eval };

struct FolderStreamSpec {
    std::size_t batch_size = 128;
    bool shuffle = true;
    bool drop_last = false;
    std::uint64_t seed = 0;
    StreamTransform transform = StreamTransform::train;
    TrainTransformSpec train;
    EvalTransformSpec eval;
    // Training views: JPEGs decoded at the coarsest DCT scale (1/2, 1/4, 1/8) that keeps the output's pixels, far
    // faster on large photos, but not torchvision's pixels (docs/data.md). Off: equal to TrainTransform on the full
    // decode, bit for bit. Evaluation views are always EvalTransform on the full decode.
    bool scaled_decode = true;
    bool honour_exif = false;
    std::int64_t max_pixels = kDefaultMaxPixels;  // a larger image is a bad file
    // A file that cannot be read or decoded is an Error naming it; with skip_bad it leaves its batch one image
    // shorter (a batch of bad images only is passed over) and is counted.
    bool skip_bad = false;
    // With skip_bad: where the files skipped are also noted, shared with the other streams of the folder; or none.
    std::shared_ptr<BadFileLog> bad_files;
    int threads = 0;  // 0: TBB's default
};

// Shuffled training views with scaled decoding; evaluation views in file order.
FolderStreamSpec train_stream_spec(std::size_t batch_size, std::uint64_t seed);
FolderStreamSpec eval_stream_spec(std::size_t batch_size);

class FolderStream final : public BatchSource {
public:
    // Keeps a copy of the entries; `norm` must hold 3 means and 3 deviations.
    FolderStream(std::filesystem::path root, FolderEntries entries, const Normalization& norm,
                 const FolderStreamSpec& spec);
    ~FolderStream() override;

    void begin_epoch(std::uint64_t epoch) override;
    bool next(Batch& batch) override;
    std::size_t batches_per_epoch() const override;
    Shape example_shape() const override;

    // Distinct files skipped as bad so far (skip_bad), and why, each error naming its file, in the order first met.
    std::size_t skipped_images() const { return skipped_.size(); }
    const std::vector<std::string>& skipped_errors() const { return skipped_; }

    struct Pipeline;

private:
    // Runs the pipeline over the next n images into the rows of `batch`, good ones moved up over bad ones; returns
    // how many are good.
    std::size_t run_pipeline(Batch& batch, std::size_t n);
    void note_bad(std::size_t position, const std::string& message);

    std::filesystem::path root_;
    std::string root_text_;
    FolderEntries entries_;
    FolderStreamSpec spec_;
    std::unique_ptr<Pipeline> pipeline_;
    std::uint64_t epoch_ = 0;
    bool started_ = false;
    std::vector<std::size_t> order_;
    std::size_t cursor_ = 0;
    std::vector<bool> bad_;  // per position, once skipped
    std::vector<std::string> skipped_;
};

}  // namespace lskd::data
