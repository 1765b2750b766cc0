// An image folder left in its files (image-stream): each split is a listing, decoded a batch at a time when asked for,
// so that memory does not grow with the folder. Training views come from a FolderStream (RandomResizedCrop + flip, or
// the evaluation views without augmentation), evaluation views through Resize(R) + CenterCrop(S) (image_split.hpp).
// docs/data.md ("Streaming a folder").
#pragma once
#include <memory>

#include "framework/data/bad_file_log.hpp"
#include "framework/data/folder_images.hpp"
#include "framework/data/image_folder_dataset.hpp"

namespace lskd::data {

struct StreamedFolder {
    FolderSplit train, val, test;
    FolderImageSpec images;  // S, R and skip-bad-images
    // The files every stream of this folder skipped (skip-bad-images), for the run's header.
    std::shared_ptr<BadFileLog> bad_files = std::make_shared<BadFileLog>();
};

}  // namespace lskd::data
