#include "framework/data/image_split.hpp"

#include "framework/core/error.hpp"
#include "framework/data/batch_loader.hpp"
#include "framework/data/folder_stream.hpp"

namespace lskd::data {

// The aliasing constructors with an empty owner: views that own nothing, for the data set's own splits.
ImageSplit::ImageSplit(const ImageSet& set) : set_(std::shared_ptr<const ImageSet>(), &set) {}

ImageSplit::ImageSplit(const StreamedFolder& folder, const FolderSplit& files)
    : files_(std::shared_ptr<const FolderSplit>(), &files), images_(folder.images), bad_files_(folder.bad_files) {}

std::size_t ImageSplit::size() const { return streamed() ? files_->entries.size() : set_->size(); }

std::span<const std::int32_t> ImageSplit::labels() const {
    return streamed() ? files_->entries.labels() : std::span<const std::int32_t>(set_->labels);
}

std::int64_t ImageSplit::original_index(std::size_t position) const {
    return streamed() ? files_->entries.original_index(position) : set_->original_index.at(position);
}

Shape ImageSplit::example_shape() const {
    if (streamed()) return {images_.size, images_.size, 3};
    return {set_->height, set_->width, set_->channels};
}

ImageSplit ImageSplit::take(std::span<const std::size_t> positions) const {
    ImageSplit out = *this;
    if (streamed())
        out.files_ =
            std::make_shared<const FolderSplit>(FolderSplit{files_->root, data::take(files_->entries, positions)});
    else
        out.set_ = std::make_shared<const ImageSet>(data::take(*set_, positions));
    return out;
}

std::unique_ptr<BatchSource> ImageSplit::batches(const Normalization& norm, std::size_t batch) const {
    LSKD_CHECK(size() > 0, "batches of an empty split");
    if (!streamed()) {
        LoaderSpec spec;
        spec.batch_size = batch;
        spec.shuffle = false;
        return std::make_unique<BatchLoader>(*set_, norm, spec);
    }
    FolderStreamSpec spec = eval_stream_spec(batch);
    spec.eval = images_.transform();
    spec.skip_bad = images_.skip_bad_images;
    spec.bad_files = bad_files_;
    return std::make_unique<FolderStream>(files_->root, files_->entries, norm, spec);
}

ImageSet ImageSplit::pixels() const {
    if (!streamed()) return *set_;
    FolderImageSpec every = images_;
    every.skip_bad_images = false;
    return decode_folder_images(files_->root, files_->entries, every).images;
}

}  // namespace lskd::data
