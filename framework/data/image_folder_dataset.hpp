// An image folder as an in-memory data set (load_dataset's "folder"): a torchvision ImageFolder tree scanned,
// split, and decoded once into S×S u8 images (folder_images.hpp), optionally through an HDF5 cache. Splits: with
// DIR/train, DIR/val and DIR/test, as named; with DIR/train and DIR/val only (ImageNet's layout), the test split is
// DIR/val, the split torchvision users report on, and the validation split is carved from DIR/train by seed; one tree
// is split by seed into test, validation and training images. docs/data.md ("Image folders").
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "framework/data/folder_images.hpp"
#include "framework/data/image_folder.hpp"
#include "framework/data/image_set.hpp"

namespace lskd::data {

// Which splits to decode: an evaluation needs only the one it scores.
struct SplitsWanted {
    bool train = true;
    bool val = true;
    bool test = true;
};

struct FolderDatasetSpec {
    std::filesystem::path dir;
    FolderImageSpec images;
    std::filesystem::path cache_dir;  // empty: decode every time
    std::size_t val_size = 0;         // carved from DIR/train or the one tree (unused with DIR/test)
    std::size_t test_size = 0;        // carved from the one tree only
    std::uint64_t seed = 0;
    SplitsWanted wanted;
};

// What a run on a folder passed over, for its header and the study report.
struct FolderSummary {
    FolderSkips scan;            // hidden folders and files torchvision would have read, other files
    std::size_t bad_images = 0;  // undecodable files left out by skip-bad-images, over the decoded splits
    std::string splits;          // where each split came from, in words
    bool streamed = false;       // decoded batch by batch from the files (image-stream), not held in memory
};

struct FolderDataset {
    std::vector<std::string> classes;
    ImageSet train, val, test;  // empty where not wanted
    FolderSummary summary;
};

FolderDataset load_folder_dataset(const FolderDatasetSpec& spec);

// One split's images as listed, none decoded: the tree they lie below and their entries.
struct FolderSplit {
    std::filesystem::path root;
    FolderEntries entries;
};

struct FolderListing {
    std::vector<std::string> classes;
    FolderSplit train, val, test;
    FolderSummary summary;  // no bad images: nothing was decoded
};

// The folder scanned and split as load_folder_dataset splits it (spec.images, cache_dir and wanted unused).
FolderListing list_folder_dataset(const FolderDatasetSpec& spec);

}  // namespace lskd::data
