#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "fixtures.hpp"
#include "framework/data/image_folder.hpp"
#include "torchvision_reference.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

void touch(const fs::path& file) {
    fs::create_directories(file.parent_path());
    write_file(file, text_bytes("not decoded by the scan"));
}

std::vector<std::pair<std::int32_t, std::string>> samples(const FolderEntries& entries) {
    std::vector<std::pair<std::int32_t, std::string>> out;
    for (std::size_t i = 0; i < entries.size(); ++i)
        out.emplace_back(entries.label(i), std::string(entries.relative_path(i)));
    return out;
}

// Classes whose byte order differs from a case-blind one, and folders inside a class whose order as sorted paths
// (a/sub-2 before a/sub/deeper, since '-' < '/') differs from a sort of the whole file paths.
void write_ordered_tree(const fs::path& root) {
    for (const char* f : {"a/x.jpg", "a/Y.PNG", "a/sub/c.jpeg", "a/sub-2/d.webp", "a/sub/deeper/e.Tiff", "a/notes.txt",
                          "a/anim.gif", "B/1.bmp", "Z9/p.pgm", "a-b/q.ppm", "b/r.tif", "caf\xc3\xa9/s.jpg"})
        touch(root / f);
    fs::create_directory_symlink("../a/sub", root / "b/link");
}

const std::vector<std::pair<std::int32_t, std::string>> kOrderedSamples = {{0, "B/1.bmp"},
                                                                           {1, "Z9/p.pgm"},
                                                                           {2, "a/Y.PNG"},
                                                                           {2, "a/x.jpg"},
                                                                           {2, "a/sub/c.jpeg"},
                                                                           {2, "a/sub-2/d.webp"},
                                                                           {2, "a/sub/deeper/e.Tiff"},
                                                                           {3, "a-b/q.ppm"},
                                                                           {4, "b/r.tif"},
                                                                           {4, "b/link/c.jpeg"},
                                                                           {4, "b/link/deeper/e.Tiff"},
                                                                           {5, "caf\xc3\xa9/s.jpg"}};

}  // namespace

TEST_CASE("image folder classes and files in torchvision order", "[data][image_folder]") {
    TempDir dir;
    write_ordered_tree(dir.path());
    const ScannedTree tree = scan_image_tree(dir.path());
    CHECK(tree.classes == std::vector<std::string>{"B", "Z9", "a", "a-b", "b", "caf\xc3\xa9"});
    CHECK(samples(tree.entries) == kOrderedSamples);
    CHECK(tree.skipped.other_files == 2);
    CHECK(tree.skipped.hidden_files == 0);
    CHECK(tree.full_path(0) == dir.path() / "B/1.bmp");
    for (std::size_t i = 0; i < tree.entries.size(); ++i) CHECK(tree.entries.original_index(i) == std::int64_t(i));
}

TEST_CASE("image folder order equals torchvision ImageFolder", "[data][image_folder]") {
    if (!torchvision_available()) {
        WARN("SKIPPED: /usr/bin/python3 has no torchvision; the order is only checked against the hand-made list");
        return;
    }
    TempDir dir;
    write_ordered_tree(dir / "tree");
    run_torchvision_reference({"folder", (dir / "tree").string(), (dir / "samples.txt").string()});
    std::ifstream in(dir / "samples.txt");
    std::vector<std::pair<std::int32_t, std::string>> expected;
    for (std::string line; std::getline(in, line);)
        expected.emplace_back(std::stoi(line.substr(0, line.find('\t'))), line.substr(line.find('\t') + 1));
    CHECK(expected == kOrderedSamples);
    CHECK(samples(scan_image_tree(dir / "tree").entries) == expected);
}

TEST_CASE("image extensions in any case", "[data][image_folder]") {
    for (const char* name :
         {"a.jpg", "a.JPEG", "a.Png", "a.ppm", "a.bmp", "a.pgm", "a.tif", "a.TIFF", "a.webp", "a.tar.jpg"})
        CHECK(has_image_extension(name));
    for (const char* name : {"a.gif", "jpg", "a.jpg.txt", "a.jpe", "", "a.", "a.svg"})
        CHECK_FALSE(has_image_extension(name));
}

TEST_CASE("image folder skips hidden folders and files and counts them", "[data][image_folder]") {
    TempDir dir;
    // torchvision would make .ipynb_checkpoints a class and read ._a.jpg (macOS metadata) as an image.
    for (const char* f : {".ipynb_checkpoints/x.jpg", "cat/.ipynb_checkpoints/a-checkpoint.jpg", "cat/._a.jpg",
                          "cat/.DS_Store", "cat/a.jpg", "dog/b.png"})
        touch(dir / f);
    const ScannedTree tree = scan_image_tree(dir.path());
    CHECK(tree.classes == std::vector<std::string>{"cat", "dog"});
    CHECK(samples(tree.entries) ==
          std::vector<std::pair<std::int32_t, std::string>>{{0, "cat/a.jpg"}, {1, "dog/b.png"}});
    CHECK(tree.skipped.hidden_folders == 2);
    CHECK(tree.skipped.hidden_files == 2);
    CHECK(tree.skipped.other_files == 0);
}

TEST_CASE("image folder errors name the folder", "[data][image_folder]") {
    TempDir dir;
    const auto error_of = [](const fs::path& p) { return error_message([&] { scan_image_folder(p); }); };
    CHECK(error_of(dir / "missing") == (dir / "missing").string() + ": not a directory");
    touch(dir / "file.jpg");
    CHECK(error_of(dir / "file.jpg") == (dir / "file.jpg").string() + ": not a directory");

    touch(dir / "flat/a.jpg");
    CHECK(error_of(dir / "flat") ==
          (dir / "flat").string() + ": no class folder (one subfolder per class is expected)");

    touch(dir / "one_empty/cat/a.jpg");
    touch(dir / "one_empty/dog/readme.txt");
    touch(dir / "one_empty/emu/.hidden.jpg");
    CHECK(error_of(dir / "one_empty") == (dir / "one_empty").string() + ": class folders dog, emu hold no image");

    touch(dir / "no_images/cat/a.txt");
    fs::create_directories(dir / "no_images/dog");
    CHECK_THAT(error_of(dir / "no_images"),
               Contains((dir / "no_images").string() + ": no image in any of its 2 class folders"));

    touch(dir / "loop/cat/a.jpg");
    fs::create_directory_symlink("..", dir / "loop/cat/up");
    CHECK_THAT(error_of(dir / "loop"), Contains("a link loop"));
}

TEST_CASE("image folder with train val and test subtrees", "[data][image_folder]") {
    TempDir dir;
    for (const char* f : {"train/cat/a.jpg", "train/cat/b.jpg", "train/dog/c.png", "val/cat/d.jpg", "val/dog/e.jpg"})
        touch(dir / f);
    ImageFolder folder = scan_image_folder(dir.path());
    CHECK_FALSE(folder.single_tree);
    CHECK(folder.classes == std::vector<std::string>{"cat", "dog"});
    CHECK(folder.train.entries.size() == 3);
    CHECK(samples(folder.val.entries) ==
          std::vector<std::pair<std::int32_t, std::string>>{{0, "cat/d.jpg"}, {1, "dog/e.jpg"}});
    CHECK(folder.test.entries.size() == 0);

    touch(dir / "test/cat/f.jpg");
    touch(dir / "test/dog/g.jpg");
    CHECK(scan_image_folder(dir.path()).test.entries.size() == 2);
    touch(dir / "test/emu/h.jpg");
    CHECK(error_message([&] { scan_image_folder(dir.path()); }) ==
          fmt::format("{} and {} have different classes: emu is only in {}", (dir / "train").string(),
                      (dir / "test").string(), (dir / "test").string()));
    fs::remove_all(dir / "test");

    touch(dir / "val/emu/h.jpg");
    fs::remove_all(dir / "val/dog");
    CHECK(error_message([&] { scan_image_folder(dir.path()); }) ==
          fmt::format("{} and {} have different classes: dog is only in {}", (dir / "train").string(),
                      (dir / "val").string(), (dir / "train").string()));
    fs::remove_all(dir / "val");
    CHECK(error_message([&] { scan_image_folder(dir.path()); }) ==
          dir.path().string() + ": has a train folder but no val folder beside it");
}

TEST_CASE("one image tree split by seed", "[data][image_folder]") {
    TempDir dir;
    for (int i = 0; i < 30; ++i) touch(dir / fmt::format("c{}/{:02}.jpg", i % 3, i));
    const ImageFolder folder = scan_image_folder(dir.path());
    REQUIRE(folder.single_tree);
    const FolderEntries& all = folder.train.entries;
    const EntriesSplit split = split_entries(all, 8, 5);
    REQUIRE(split.val.size() == 8);
    REQUIRE(split.train.size() == 22);
    std::set<std::int64_t> seen;
    for (const FolderEntries* part : {&split.train, &split.val})
        for (std::size_t i = 0; i < part->size(); ++i) {
            const auto k = static_cast<std::size_t>(part->original_index(i));
            CHECK(seen.insert(part->original_index(i)).second);
            CHECK(part->relative_path(i) == all.relative_path(k));
            CHECK(part->label(i) == all.label(k));
            if (i > 0) CHECK(part->original_index(i - 1) < part->original_index(i));
        }
    CHECK(seen.size() == 30);
    CHECK(samples(split_entries(all, 8, 5).val) == samples(split.val));
    CHECK(samples(split_entries(all, 8, 6).val) != samples(split.val));
    CHECK_THAT(error_message([&] { split_entries(all, 31, 5); }), Contains("larger than the image folder (30 images)"));
}
