// The decoded images of an image folder kept in an HDF5 file, so that a second run does not decode again (FFCV's
// pre-resized data set). The file is named by S, R and a hash of the listing (the tree's path, each entry's relative
// path, label, size and modification time), so a changed folder never reads a stale file; it is written atomically
// under a lock, so runs started together decode once. docs/data.md ("Image folders").
#pragma once
#include <filesystem>
#include <string>

#include "framework/data/folder_images.hpp"

namespace lskd::data {

// The cache file of `entries` below `root` in `cache_dir` ("folder-S-R-HASH.h5"). An Error naming an entry that
// cannot be stat'ed.
std::filesystem::path folder_cache_file(const std::filesystem::path& cache_dir, const std::filesystem::path& root,
                                        const FolderEntries& entries, const FolderImageSpec& spec);

// decode_folder_images, through the cache in `cache_dir` when it is not empty. A cached file that does not match
// the listing is an Error naming it (and saying to delete it); bad images recorded in it fail as decoding would.
FolderImages cached_folder_images(const std::filesystem::path& cache_dir, const std::filesystem::path& root,
                                  const FolderEntries& entries, const FolderImageSpec& spec);

}  // namespace lskd::data
