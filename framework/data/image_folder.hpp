// Scans a torchvision ImageFolder tree (class = sorted subfolder name, images found recursively in torchvision's
// order) without reading any image; hidden folders and files, which torchvision would take, are skipped and counted.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lskd::data {

// The images of one split: paths relative to the scanned tree, kept in one string arena.
class FolderEntries {
public:
    void add(std::string_view relative_path, std::int32_t label, std::int64_t original_index);
    void reserve_paths(std::size_t bytes) { arena_.reserve(bytes); }

    std::size_t size() const { return labels_.size(); }
    std::string_view relative_path(std::size_t i) const {
        return std::string_view(arena_).substr(offsets_[i], offsets_[i + 1] - offsets_[i]);
    }
    std::int32_t label(std::size_t i) const { return labels_[i]; }
    // Position in the scanned tree's sorted list: the key of the example's seeded draws, kept by a split.
    std::int64_t original_index(std::size_t i) const { return original_index_[i]; }
    std::span<const std::int32_t> labels() const { return labels_; }

private:
    std::string arena_;
    std::vector<std::uint64_t> offsets_{0};
    std::vector<std::int32_t> labels_;
    std::vector<std::int64_t> original_index_;
};

// What a scan passed over: torchvision would have read the hidden ones, so a report names how many.
struct FolderSkips {
    std::size_t hidden_folders = 0;  // e.g. .ipynb_checkpoints, at any depth (a whole class, too)
    std::size_t hidden_files = 0;    // e.g. macOS ._x.jpg
    std::size_t other_files = 0;     // files without an image extension, as torchvision skips them
};

struct ScannedTree {
    std::filesystem::path root;
    std::vector<std::string> classes;  // label k is classes[k]
    FolderEntries entries;
    FolderSkips skipped;
    std::filesystem::path full_path(std::size_t i) const { return root / entries.relative_path(i); }
};

// One ImageFolder tree. Errors name the folder: not a directory, no class folder, a class without any image.
ScannedTree scan_image_tree(const std::filesystem::path& root);

// .jpg .jpeg .png .ppm .bmp .pgm .tif .tiff .webp in any case, as torchvision's IMG_EXTENSIONS.
bool has_image_extension(std::string_view file_name);

// DIR/train and DIR/val (and DIR/test when present) with the same classes, or DIR itself as one tree.
struct ImageFolder {
    std::vector<std::string> classes;
    ScannedTree train;
    ScannedTree val;   // empty when single_tree
    ScannedTree test;  // empty unless DIR/test exists
    bool single_tree = false;
};

// Splits when DIR/train is a directory (then DIR/val must be one too), else reads DIR as one tree, whose
// validation split the caller draws with split_entries.
ImageFolder scan_image_folder(const std::filesystem::path& dir);

struct EntriesSplit {
    FolderEntries train;
    FolderEntries val;
};

// The entries at `positions`, in that order, with their labels and original indices.
FolderEntries take(const FolderEntries& all, std::span<const std::size_t> positions);

// `val_size` entries chosen by seed (split_validation's rule and stream) leave the training entries; both keep
// the scanned order and original indices.
EntriesSplit split_entries(const FolderEntries& all, std::size_t val_size, std::uint64_t seed);

}  // namespace lskd::data
