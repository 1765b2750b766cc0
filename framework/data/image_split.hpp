// One split of an image data set as evaluation reads it, wherever its images are: decoded in memory (an ImageSet) or
// left in an image folder's files (image-stream) and decoded a batch at a time. It gives the split's labels and
// original indices, subsets by position, and its images in order as normalised batches without augmentation; for the
// same pixels and normalisation both kinds give the same batches, bit for bit.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "framework/data/batch_source.hpp"
#include "framework/data/image_set.hpp"
#include "framework/data/normalization.hpp"
#include "framework/data/streamed_folder.hpp"

namespace lskd::data {

class ImageSplit {
public:
    // A view of `set`, which must outlive the split.
    explicit ImageSplit(const ImageSet& set);
    // A view of the split `files` of `folder`, which must outlive the split (only their listings are referred to).
    ImageSplit(const StreamedFolder& folder, const FolderSplit& files);

    bool streamed() const { return files_ != nullptr; }
    // Whether its batches may leave bad files out: a streamed split with skip-bad-images.
    bool skips_bad() const { return streamed() && images_.skip_bad_images; }
    std::size_t size() const;
    std::span<const std::int32_t> labels() const;
    std::int64_t original_index(std::size_t position) const;
    // One example's [H, W, C].
    Shape example_shape() const;

    // The examples at `positions`, in that order, held by the split returned.
    ImageSplit take(std::span<const std::size_t> positions) const;

    // The examples in order, `batch` at a time, normalised by `norm` and not augmented: a BatchLoader, or a
    // FolderStream of evaluation views whose bad files are an Error or, with skip-bad-images, left out (so its batches
    // may hold fewer examples than size()) and noted in the folder's log. The source refers to this split's images,
    // so the split must outlive it. The split must not be empty.
    std::unique_ptr<BatchSource> batches(const Normalization& norm, std::size_t batch) const;

    // The examples' 8-bit pixels (the evaluation transform without normalisation), in order: a copy of the set, or
    // decoded now, where every file must decode (a bad one is an Error naming it, whatever skip-bad-images says).
    ImageSet pixels() const;

private:
    std::shared_ptr<const ImageSet> set_;
    std::shared_ptr<const FolderSplit> files_;
    FolderImageSpec images_;
    std::shared_ptr<BadFileLog> bad_files_;
};

}  // namespace lskd::data
