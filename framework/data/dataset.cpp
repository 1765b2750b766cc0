#include "framework/data/dataset.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

#include <tbb/parallel_invoke.h>

#include "framework/core/error.hpp"
#include "framework/data/cifar_reader.hpp"
#include "framework/data/class_names.hpp"
#include "framework/data/idx_reader.hpp"
#include "framework/data/image_transforms.hpp"
#include "framework/data/split.hpp"
#include "framework/data/subset.hpp"

namespace lskd::data {
namespace {

struct Files {
    ImageSet train;  // before the validation split
    ImageSet test;
};

// Runs the two reads side by side: decompressing the training images dominates, and the test files fit beside it.
Files read_both(const auto& read_train, const auto& read_test) {
    Files files;
    tbb::parallel_invoke([&] { files.train = read_train(); }, [&] { files.test = read_test(); });
    return files;
}

// The .gz file if present, else the raw one, as both are common.
std::filesystem::path idx_file(const std::filesystem::path& dir, const std::string& base) {
    for (const auto& name : {base + ".gz", base})
        if (std::filesystem::exists(dir / name)) return dir / name;
    fail("{}: missing file (looked for {} and {}.gz)", (dir / base).string(), base, base);
}

Files read_idx_dir(const std::filesystem::path& dir, const IdxExpectations& expect) {
    const auto train_images = idx_file(dir, "train-images-idx3-ubyte");
    const auto train_labels = idx_file(dir, "train-labels-idx1-ubyte");
    const auto test_images = idx_file(dir, "t10k-images-idx3-ubyte");
    const auto test_labels = idx_file(dir, "t10k-labels-idx1-ubyte");
    Files files = read_both([&] { return read_idx(train_images, train_labels, expect); },
                            [&] { return read_idx(test_images, test_labels, expect); });
    if (files.test.height != files.train.height || files.test.width != files.train.width)
        fail("{}: wrong image size: {}x{}, but the training images are {}x{}", test_images.string(), files.test.height,
             files.test.width, files.train.height, files.train.width);
    return files;
}

int max_label_plus_one(const Files& files) {
    std::int32_t top = 0;
    for (const ImageSet* set : {&files.train, &files.test})
        for (std::int32_t y : set->labels) top = std::max(top, y);
    return top + 1;
}

struct Loaded {
    Files files;
    int num_classes;
    std::vector<std::string> class_names;
    AugmentSpec augment;
};

constexpr IdxExpectations kDigitLike{28, 28, 10};
const AugmentSpec kCifarAugment{4, 32, true};

Loaded read_fashion_mnist(const std::filesystem::path& dir) {
    return {read_idx_dir(dir, kDigitLike), 10, fashion_mnist_class_names(), AugmentSpec::shift(2)};
}

Loaded read_mnist(const std::filesystem::path& dir) {
    return {read_idx_dir(dir, kDigitLike), 10, numbered_class_names(10), AugmentSpec::shift(2)};
}

Loaded read_any_idx(const std::filesystem::path& dir) {
    Files files = read_idx_dir(dir, {});
    const int k = max_label_plus_one(files);
    return {std::move(files), k, numbered_class_names(k), AugmentSpec::shift(2)};
}

Loaded read_cifar10(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> train;
    for (int i = 1; i <= 5; ++i) train.push_back(dir / ("data_batch_" + std::to_string(i) + ".bin"));
    const std::array test{dir / "test_batch.bin"};
    return {read_both([&] { return read_cifar(train, CifarKind::cifar10); },
                      [&] { return read_cifar(test, CifarKind::cifar10); }),
            10, cifar10_class_names(), kCifarAugment};
}

Loaded read_cifar100(const std::filesystem::path& dir) {
    const std::array train{dir / "train.bin"};
    const std::array test{dir / "test.bin"};
    // The binary distribution ships the names beside the batches; without them the classes are numbered.
    const auto names = dir / "fine_label_names.txt";
    return {read_both([&] { return read_cifar(train, CifarKind::cifar100); },
                      [&] { return read_cifar(test, CifarKind::cifar100); }),
            100, std::filesystem::exists(names) ? read_class_names(names, 100) : numbered_class_names(100),
            kCifarAugment};
}

struct Source {
    std::string_view name;
    Loaded (*read)(const std::filesystem::path& dir);
};

constexpr std::array<Source, 5> kSources{{{"fashion-mnist", read_fashion_mnist},
                                          {"mnist", read_mnist},
                                          {"idx", read_any_idx},
                                          {"cifar10", read_cifar10},
                                          {"cifar100", read_cifar100}}};

constexpr std::string_view kFolder = "folder";

const Source& source_named(const std::string& name) {
    for (const Source& s : kSources)
        if (s.name == name) return s;
    std::string known;
    for (const Source& s : kSources) known += (known.empty() ? "" : ", ") + std::string(s.name);
    fail("unknown data set '{}' (expected one of: {}, {})", name, known, kFolder);
}

// Folders split their entries before decoding, so that only the wanted splits are decoded; a streamed folder keeps
// the listings and decodes nothing.
void read_folder(const DatasetSpec& spec, const std::filesystem::path& dir, Dataset& ds) {
    const FolderDatasetSpec folder{dir,       spec.folder_images, spec.image_cache, spec.val_size, spec.test_size,
                                   spec.seed, spec.wanted};
    const int side = static_cast<int>(spec.folder_images.size);
    ds.default_augment = {std::max(side / 8, 1), side, true};
    if (spec.stream) {
        FolderListing l = list_folder_dataset(folder);
        ds.class_names = std::move(l.classes);
        for (ImageSet* set : {&ds.train, &ds.val, &ds.test}) {
            set->height = set->width = spec.folder_images.size;
            set->channels = 3;
        }
        ds.streamed.emplace();
        ds.streamed->train = std::move(l.train);
        ds.streamed->val = std::move(l.val);
        ds.streamed->test = std::move(l.test);
        ds.streamed->images = spec.folder_images;
        ds.folder = std::move(l.summary);
        ds.folder->streamed = true;
        ds.normalization = imagenet_normalization();
    } else {
        FolderDataset f = load_folder_dataset(folder);
        ds.class_names = std::move(f.classes);
        ds.train = std::move(f.train);
        ds.val = std::move(f.val);
        ds.test = std::move(f.test);
        ds.folder = std::move(f.summary);
    }
    ds.num_classes = static_cast<int>(ds.class_names.size());
}

void read_files(const DatasetSpec& spec, const std::filesystem::path& dir, Dataset& ds) {
    Loaded loaded = source_named(spec.name).read(dir);
    ds.num_classes = loaded.num_classes;
    ds.class_names = std::move(loaded.class_names);
    ds.default_augment = loaded.augment;
    TrainValSplit split = split_validation(loaded.files.train, spec.val_size, spec.seed);
    ds.train = std::move(split.train);
    ds.val = std::move(split.val);
    ds.test = std::move(loaded.files.test);
}

// The class-balanced subsets max-train and max-test ask for, of the examples in memory or of a streamed listing.
void subsample(const DatasetSpec& spec, Dataset& ds) {
    for (const auto& [which, max] :
         {std::pair(SplitName::train, spec.max_train), std::pair(SplitName::test, spec.max_test)}) {
        const ImageSplit split = image_split(ds, which);
        if (max != 0 && max < split.size())
            keep_examples(ds, which, balanced_subset(split.labels(), ds.num_classes, max, spec.seed));
    }
}

}  // namespace

ImageSplit image_split(const Dataset& dataset, SplitName which) {
    const ImageSet& set = which == SplitName::train ? dataset.train
                          : which == SplitName::val ? dataset.val
                                                    : dataset.test;
    if (!dataset.streamed) return ImageSplit(set);
    const StreamedFolder& f = *dataset.streamed;
    return ImageSplit(f, which == SplitName::train ? f.train : which == SplitName::val ? f.val : f.test);
}

void keep_examples(Dataset& dataset, SplitName which, std::span<const std::size_t> positions) {
    if (dataset.streamed) {
        StreamedFolder& f = *dataset.streamed;
        FolderEntries& files = (which == SplitName::train ? f.train : which == SplitName::val ? f.val : f.test).entries;
        files = take(files, positions);
        return;
    }
    ImageSet& set = which == SplitName::train ? dataset.train : which == SplitName::val ? dataset.val : dataset.test;
    set = take(set, positions);
}

Dataset load_dataset(const DatasetSpec& spec) {
    const bool folder = spec.name == kFolder;
    if (!folder) source_named(spec.name);  // an unknown name fails before the directory is looked at
    if (spec.stream && !folder)
        fail("data set '{}': only image folders (folder) are streamed from their files", spec.name);
    std::filesystem::path dir = spec.dir;
    if (dir.empty()) {
        if (spec.name != "fashion-mnist") fail("data set '{}' needs a data directory (--data-dir)", spec.name);
        dir = kFashionMnistDir;
    }
    if (!std::filesystem::is_directory(dir))
        fail("{}: data directory of '{}' {}", dir.string(), spec.name,
             std::filesystem::exists(dir) ? "is not a directory" : "does not exist");

    Dataset ds;
    ds.name = spec.name;
    ds.dir = dir;
    if (folder)
        read_folder(spec, dir, ds);
    else
        read_files(spec, dir, ds);
    subsample(spec, ds);
    if (ds.train.size() != 0) ds.normalization = compute_normalization(ds.train);
    return ds;
}

}  // namespace lskd::data
