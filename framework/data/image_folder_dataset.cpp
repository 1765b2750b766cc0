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

struct Listings {
    FolderSplit train, val, test;
    std::string splits;
};

Listings list_splits(const ImageFolder& folder, const FolderDatasetSpec& spec) {
    Listings l;
    if (!folder.single_tree && folder.test.entries.size() != 0) {
        l.train = {folder.train.root, folder.train.entries};
        l.val = {folder.val.root, folder.val.entries};
        l.test = {folder.test.root, folder.test.entries};
        l.splits = "train, val and test from the folders of those names (val-size unused)";
    } else if (!folder.single_tree) {
        EntriesSplit s = carve(folder.train, folder.train.entries, spec.val_size, "validation", spec.seed);
        l.train = {folder.train.root, std::move(s.train)};
        l.val = {folder.train.root, std::move(s.val)};
        l.test = {folder.val.root, folder.val.entries};
        l.splits =
            fmt::format("train: train/ less {} validation images drawn by seed; test: val/ (no test/)", spec.val_size);
    } else {
        // Test first, then validation, as for sequence corpora: the test split depends only on the seed and its size.
        EntriesSplit t = carve(folder.train, folder.train.entries, spec.test_size, "test", spec.seed);
        EntriesSplit s = carve(folder.train, t.train, spec.val_size, "validation", spec.seed);
        l.train = {folder.train.root, std::move(s.train)};
        l.val = {folder.train.root, std::move(s.val)};
        l.test = {folder.train.root, std::move(t.val)};
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

ImageSet decode(const FolderSplit& listing, bool wanted, const FolderDatasetSpec& spec, std::size_t& bad_images) {
    if (!wanted) {
        ImageSet empty;
        empty.height = empty.width = spec.images.size;
        empty.channels = 3;
        return empty;
    }
    FolderImages decoded = cached_folder_images(spec.cache_dir, listing.root, listing.entries, spec.images);
    bad_images += decoded.bad.size();
    return std::move(decoded.images);
}

}  // namespace

FolderListing list_folder_dataset(const FolderDatasetSpec& spec) {
    const ImageFolder folder = scan_image_folder(spec.dir);
    Listings listings = list_splits(folder, spec);
    FolderListing l;
    l.classes = folder.classes;
    l.summary.scan = total_skips(folder);
    l.summary.splits = std::move(listings.splits);
    l.train = std::move(listings.train);
    l.val = std::move(listings.val);
    l.test = std::move(listings.test);
    return l;
}

FolderDataset load_folder_dataset(const FolderDatasetSpec& spec) {
    FolderListing listing = list_folder_dataset(spec);
    FolderDataset ds;
    ds.classes = std::move(listing.classes);
    ds.summary = std::move(listing.summary);
    ds.train = decode(listing.train, spec.wanted.train, spec, ds.summary.bad_images);
    ds.val = decode(listing.val, spec.wanted.val, spec, ds.summary.bad_images);
    ds.test = decode(listing.test, spec.wanted.test, spec, ds.summary.bad_images);
    return ds;
}

}  // namespace lskd::data
