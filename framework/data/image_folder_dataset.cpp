#include "framework/data/image_folder_dataset.hpp"

#include <fmt/format.h>

#include "framework/core/error.hpp"
#include "framework/data/folder_image_cache.hpp"

namespace lskd::data {
namespace {

// split_entries, with an Error naming the tree when it has too few images.
EntriesSplit carve(const ScannedTree& tree, const FolderEntries& from, std::size_t count, const char* what,
                   std::uint64_t seed) {
    if (count >= from.size())
        fail("{}: {} {} images leave no training image ({} images in all); set {} smaller", tree.root.string(), count,
             what, from.size(), what == std::string("test") ? "test-size" : "val-size");
    return split_entries(from, count, seed);
}

struct Listing {
    const ScannedTree* tree;
    FolderEntries entries;
};

struct Listings {
    Listing train, val, test;
    std::string splits;
};

Listings list_splits(const ImageFolder& folder, const FolderDatasetSpec& spec) {
    Listings l;
    if (!folder.single_tree && folder.test.entries.size() != 0) {
        l.train = {&folder.train, folder.train.entries};
        l.val = {&folder.val, folder.val.entries};
        l.test = {&folder.test, folder.test.entries};
        l.splits = "train, val and test from the folders of those names (val-size unused)";
    } else if (!folder.single_tree) {
        EntriesSplit s = carve(folder.train, folder.train.entries, spec.val_size, "validation", spec.seed);
        l.train = {&folder.train, std::move(s.train)};
        l.val = {&folder.train, std::move(s.val)};
        l.test = {&folder.val, folder.val.entries};
        l.splits =
            fmt::format("train: train/ less {} validation images drawn by seed; test: val/ (no test/)", spec.val_size);
    } else {
        // Test first, then validation, as for sequence corpora: the test split depends only on the seed and its size.
        EntriesSplit t = carve(folder.train, folder.train.entries, spec.test_size, "test", spec.seed);
        EntriesSplit s = carve(folder.train, t.train, spec.val_size, "validation", spec.seed);
        l.train = {&folder.train, std::move(s.train)};
        l.val = {&folder.train, std::move(s.val)};
        l.test = {&folder.train, std::move(t.val)};
        l.splits = fmt::format("one tree split by seed: {} test, {} validation and {} training images", spec.test_size,
                               spec.val_size, l.train.entries.size());
    }
    return l;
}

FolderSkips total_skips(const ImageFolder& folder) {
    FolderSkips total;
    for (const ScannedTree* t : {&folder.train, &folder.val, &folder.test}) {
        total.hidden_folders += t->skipped.hidden_folders;
        total.hidden_files += t->skipped.hidden_files;
        total.other_files += t->skipped.other_files;
    }
    return total;
}

ImageSet decode(const Listing& listing, bool wanted, const FolderDatasetSpec& spec, std::size_t& bad_images) {
    if (!wanted || listing.tree == nullptr) {
        ImageSet empty;
        empty.height = empty.width = spec.images.size;
        empty.channels = 3;
        return empty;
    }
    FolderImages decoded = cached_folder_images(spec.cache_dir, listing.tree->root, listing.entries, spec.images);
    bad_images += decoded.bad.size();
    return std::move(decoded.images);
}

}  // namespace

FolderDataset load_folder_dataset(const FolderDatasetSpec& spec) {
    const ImageFolder folder = scan_image_folder(spec.dir);
    const Listings listings = list_splits(folder, spec);
    FolderDataset ds;
    ds.classes = folder.classes;
    ds.summary.scan = total_skips(folder);
    ds.summary.splits = listings.splits;
    ds.train = decode(listings.train, spec.wanted.train, spec, ds.summary.bad_images);
    ds.val = decode(listings.val, spec.wanted.val, spec, ds.summary.bad_images);
    ds.test = decode(listings.test, spec.wanted.test, spec, ds.summary.bad_images);
    return ds;
}

}  // namespace lskd::data
