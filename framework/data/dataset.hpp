// load_dataset, the one entry point to the data lskd trains on: reads a named set's train and test files from a
// directory (nothing is downloaded), carves the validation split out of training by seed, optionally subsamples,
// and computes the normalisation on the training split only (a streamed image folder, never decoded up front, takes
// ImageNet's). Bad input throws one lskd::Error naming the file.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "framework/data/augment.hpp"
#include "framework/data/image_folder_dataset.hpp"
#include "framework/data/image_set.hpp"
#include "framework/data/image_split.hpp"
#include "framework/data/normalization.hpp"
#include "framework/data/streamed_folder.hpp"

namespace lskd::data {

// Where Debian's dataset-fashion-mnist package installs the default data.
inline const std::filesystem::path kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

struct DatasetSpec {
    // fashion-mnist, mnist (IDX files, 28x28, 10 classes), idx (any IDX pair: classes 0..max label),
    // cifar10 (data_batch_1..5.bin, test_batch.bin), cifar100 (train.bin, test.bin, fine labels) or folder (a
    // torchvision ImageFolder tree: image_folder_dataset.hpp).
    std::string name = "fashion-mnist";
    std::filesystem::path dir;     // empty: kFashionMnistDir for fashion-mnist; the other sets need one
    std::size_t val_size = 10000;  // carved from the training files; 0 leaves no validation split
    std::uint64_t seed = 0;
    std::size_t max_train = 0;  // if nonzero, a class-balanced subsample of the training split (after the
    std::size_t max_test = 0;   // validation split is carved, so it does not move); likewise for the test set
    // Image folders only: how images are decoded and cached, the test images carved from a single tree, and which
    // splits to decode at all (the other sets read every split).
    FolderImageSpec folder_images;
    std::filesystem::path image_cache;
    std::size_t test_size = 0;
    SplitsWanted wanted;
    // Image folders only: list the splits and decode nothing now (image-stream, streamed_folder.hpp).
    bool stream = false;
};

struct Dataset {
    std::string name;
    std::filesystem::path dir;
    int num_classes = 0;
    std::vector<std::string> class_names;
    ImageSet train;
    ImageSet val;
    ImageSet test;
    Normalization normalization;  // of the training split
    AugmentSpec default_augment;  // shift 2 for 28x28 sets; pad 4, crop 32 and flip for CIFAR; pad S/8, crop S, flip
                                  // for folders
    std::optional<FolderSummary> folder;  // image folders only
    // A streamed image folder's splits (DatasetSpec::stream); train, val and test above are then empty, of S×S×3.
    std::optional<StreamedFolder> streamed;
};

// The normalisation is of the training split; without one (an image folder decoded for evaluation only) it is
// empty, and the caller normalises as its model was trained. A streamed folder is normalised with torchvision's
// ImageNet mean and deviation: computing its own would take a pass over every training image before the first step.
Dataset load_dataset(const DatasetSpec& spec);

enum class SplitName { train, val, test };
// A split of `dataset` as evaluation reads it, in memory or streamed; a view: the data set must outlive it.
ImageSplit image_split(const Dataset& dataset, SplitName which);
// Keeps only the examples at `positions` (in that order) of one split of `dataset`, in memory or streamed.
void keep_examples(Dataset& dataset, SplitName which, std::span<const std::size_t> positions);

}  // namespace lskd::data
