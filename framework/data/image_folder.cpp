#include "framework/data/image_folder.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <span>
#include <system_error>
#include <tuple>
#include <utility>

#include "framework/core/error.hpp"
#include "framework/core/random.hpp"
#include "framework/data/seeded.hpp"

namespace lskd::data {
namespace fs = std::filesystem;

namespace {

constexpr std::array<std::string_view, 9> kImageExtensions = {".jpg", ".jpeg", ".png",  ".ppm", ".bmp",
                                                              ".pgm", ".tif",  ".tiff", ".webp"};

bool is_hidden(std::string_view name) { return !name.empty() && name.front() == '.'; }

// A directory's identity, to catch a link that leads back to one of its own ancestors (os.walk would loop).
struct DirId {
    dev_t dev;
    ino_t ino;
    bool operator==(const DirId&) const = default;
};

DirId dir_id(const fs::path& dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) fail("{}: cannot read the folder: {}", dir.string(), std::strerror(errno));
    return {st.st_dev, st.st_ino};
}

struct Child {
    std::string name;
    bool is_dir;
};

// The entries of `dir`, links followed; a broken link counts as a file, as in os.walk.
std::vector<Child> list_dir(const fs::path& dir) {
    std::error_code ec;
    fs::directory_iterator it(dir, ec), end;
    std::vector<Child> children;
    for (; !ec && it != end; it.increment(ec)) {
        std::error_code kind_ec;
        const bool is_dir = it->is_directory(kind_ec);
        children.push_back({it->path().filename().string(), is_dir});
    }
    if (ec) fail("{}: cannot read the folder: {}", dir.string(), ec.message());
    return children;
}

// Image files of one folder, as (folder relative to the tree, sorted file names).
using FolderFiles = std::pair<std::string, std::vector<std::string>>;

class TreeWalker {
public:
    TreeWalker(const fs::path& root, FolderSkips& skipped) : root_(root), skipped_(skipped) {}

    // Every folder under `relative` (itself included) that holds images, in torchvision's order: folders sorted by
    // their path string (sorted(os.walk(...))), file names sorted within each.
    std::vector<FolderFiles> walk(const std::string& relative) {
        std::vector<FolderFiles> found;
        visit(relative, found);
        std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        return found;
    }

private:
    void visit(const std::string& relative, std::vector<FolderFiles>& found) {
        const fs::path dir = root_ / relative;
        const DirId id = dir_id(dir);
        if (std::find(ancestors_.begin(), ancestors_.end(), id) != ancestors_.end())
            fail("{}: a link loop: this folder is one of its own ancestors", dir.string());
        ancestors_.push_back(id);
        std::vector<std::string> files;
        for (const Child& c : list_dir(dir)) {
            if (c.is_dir) {
                if (is_hidden(c.name))
                    ++skipped_.hidden_folders;
                else
                    visit(relative + "/" + c.name, found);
            } else if (is_hidden(c.name)) {
                ++skipped_.hidden_files;
            } else if (has_image_extension(c.name)) {
                files.push_back(c.name);
            } else {
                ++skipped_.other_files;
            }
        }
        ancestors_.pop_back();
        if (files.empty()) return;
        std::sort(files.begin(), files.end());
        found.emplace_back(relative, std::move(files));
    }

    const fs::path& root_;
    FolderSkips& skipped_;
    std::vector<DirId> ancestors_;
};

std::vector<std::string> class_folders(const fs::path& root, FolderSkips& skipped) {
    std::vector<std::string> classes;
    for (const Child& c : list_dir(root)) {
        if (!c.is_dir) continue;
        if (is_hidden(c.name))
            ++skipped.hidden_folders;
        else
            classes.push_back(c.name);
    }
    // std::string compares bytes as unsigned char: UTF-8 byte order is Python's code-point order.
    std::sort(classes.begin(), classes.end());
    if (classes.empty()) fail("{}: no class folder (one subfolder per class is expected)", root.string());
    return classes;
}

std::string name_list(std::span<const std::string> names) {
    constexpr std::size_t shown = 5;
    std::string list;
    for (std::size_t i = 0; i < std::min(names.size(), shown); ++i) list += (i ? ", " : "") + names[i];
    if (names.size() > shown) list += fmt::format(" and {} more", names.size() - shown);
    return list;
}

void require_folder(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) fail("{}: not a directory", dir.string());
}

}  // namespace

void FolderEntries::add(std::string_view relative_path, std::int32_t label, std::int64_t original_index) {
    arena_.append(relative_path);
    offsets_.push_back(arena_.size());
    labels_.push_back(label);
    original_index_.push_back(original_index);
}

bool has_image_extension(std::string_view file_name) {
    std::string tail(file_name.substr(file_name.size() - std::min<std::size_t>(file_name.size(), 5)));
    // ASCII lowering suffices: no other character lowers to a letter of these extensions.
    for (char& ch : tail)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    return std::any_of(kImageExtensions.begin(), kImageExtensions.end(),
                       [&](std::string_view ext) { return std::string_view(tail).ends_with(ext); });
}

ScannedTree scan_image_tree(const fs::path& root) {
    require_folder(root);
    ScannedTree tree;
    tree.root = root;
    tree.classes = class_folders(root, tree.skipped);
    TreeWalker walker(root, tree.skipped);
    std::vector<std::string> empty;
    for (std::size_t k = 0; k < tree.classes.size(); ++k) {
        const std::size_t before = tree.entries.size();
        for (const auto& [folder, files] : walker.walk(tree.classes[k]))
            for (const std::string& file : files)
                tree.entries.add(folder + "/" + file, static_cast<std::int32_t>(k),
                                 static_cast<std::int64_t>(tree.entries.size()));
        if (tree.entries.size() == before) empty.push_back(tree.classes[k]);
    }
    if (tree.entries.size() == 0)
        fail("{}: no image in any of its {} class folders (extensions .jpg .jpeg .png .ppm .bmp .pgm .tif .tiff "
             ".webp)",
             root.string(), tree.classes.size());
    if (!empty.empty())
        fail("{}: class folder{} {} hold{} no image", root.string(), empty.size() > 1 ? "s" : "", name_list(empty),
             empty.size() > 1 ? "" : "s");
    return tree;
}

namespace {

void require_same_classes(const ScannedTree& a, const ScannedTree& b) {
    if (a.classes == b.classes) return;
    for (const auto& [x, y] : {std::pair(&a, &b), std::pair(&b, &a)})
        for (const std::string& name : x->classes)
            if (!std::binary_search(y->classes.begin(), y->classes.end(), name))
                fail("{} and {} have different classes: {} is only in {}", a.root.string(), b.root.string(), name,
                     x->root.string());
}

}  // namespace

ImageFolder scan_image_folder(const fs::path& dir) {
    require_folder(dir);
    ImageFolder folder;
    std::error_code ec;
    if (!fs::is_directory(dir / "train", ec)) {
        folder.train = scan_image_tree(dir);
        folder.single_tree = true;
    } else {
        if (!fs::is_directory(dir / "val", ec))
            fail("{}: has a train folder but no val folder beside it", dir.string());
        folder.train = scan_image_tree(dir / "train");
        folder.val = scan_image_tree(dir / "val");
        require_same_classes(folder.train, folder.val);
        if (fs::is_directory(dir / "test", ec)) {
            folder.test = scan_image_tree(dir / "test");
            require_same_classes(folder.train, folder.test);
        }
    }
    folder.classes = folder.train.classes;
    return folder;
}

FolderEntries take(const FolderEntries& all, std::span<const std::size_t> positions) {
    FolderEntries out;
    for (std::size_t p : positions) {
        LSKD_CHECK(p < all.size(), "position {} in a listing of {} images", p, all.size());
        out.add(all.relative_path(p), all.label(p), all.original_index(p));
    }
    return out;
}

EntriesSplit split_entries(const FolderEntries& all, std::size_t val_size, std::uint64_t seed) {
    if (val_size > all.size())
        fail("validation split of {} images is larger than the image folder ({} images)", val_size, all.size());
    std::vector<std::size_t> order = seeded_permutation(all.size(), hash_keys(seed, {stream::validation_split}));
    const auto cut = order.begin() + static_cast<std::ptrdiff_t>(val_size);
    std::sort(order.begin(), cut);
    std::sort(cut, order.end());
    EntriesSplit split;
    for (auto [from, to, part] :
         {std::tuple(cut, order.end(), &split.train), std::tuple(order.begin(), cut, &split.val)})
        for (auto it = from; it != to; ++it) part->add(all.relative_path(*it), all.label(*it), all.original_index(*it));
    return split;
}

}  // namespace lskd::data
