// The in-memory image-folder data set (load_dataset "folder"): generated trees decode into S×S images equal to the
// eval preset on each file, splits follow the layout, class names come from the folders, bad images fail naming the
// file or are skipped and counted, the cache is read back, never used stale, and refused when it does not match.
#include <catch2/catch.hpp>

#include <tbb/task_arena.h>

#include "fixtures.hpp"
#include "folder_fixtures.hpp"
#include "framework/data/dataset.hpp"
#include "framework/data/file_bytes.hpp"
#include "framework/data/folder_image_cache.hpp"
#include "framework/data/image_decoder.hpp"
#include "framework/io/h5_file.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

DatasetSpec folder_spec(const fs::path& dir, std::size_t val_size, std::int64_t size) {
    DatasetSpec spec = dataset_spec("folder", dir, val_size);
    spec.folder_images.size = size;
    return spec;
}

// The eval preset's bytes of one file, decoded alone: what the data set must hold for it.
std::vector<std::uint8_t> expected_pixels(const fs::path& file, const FolderImageSpec& spec) {
    ImageDecoder decoder;
    RgbImage image;
    decoder.decode(read_file_bytes(file), file, {}, image);
    ResampleScratch scratch;
    std::vector<std::uint8_t> out(static_cast<std::size_t>(spec.size * spec.size * 3));
    eval_crop_pixels(image.view(), spec.transform(), scratch, out.data());
    return out;
}

std::vector<std::uint8_t> pixels_of(const ImageSet& set, std::size_t i) {
    const auto image = set.image(i);
    return {image.begin(), image.end()};
}

void write_split_tree(const fs::path& dir, bool with_test) {
    write_image_tree(dir / "train", {});
    FolderFixture val;
    val.per_class = 2;
    val.seed = 2;
    write_image_tree(dir / "val", val);
    if (with_test) {
        val.seed = 3;
        write_image_tree(dir / "test", val);
    }
}

}  // namespace

TEST_CASE("folder data set holds the eval preset of each file", "[data][folder_dataset]") {
    TempDir dir;
    write_split_tree(dir.path(), false);
    DatasetSpec spec = folder_spec(dir.path(), 3, 12);
    spec.folder_images.resize = 14;
    const Dataset ds = load_dataset(spec);
    CHECK(ds.class_names == std::vector<std::string>{"cat", "dog", "tench"});
    CHECK(ds.num_classes == 3);
    // train/ less 3 validation images; val/ is the test split.
    CHECK(ds.train.size() == 15);
    CHECK(ds.val.size() == 3);
    CHECK(ds.test.size() == 6);
    CHECK(ds.train.height == 12);
    CHECK(ds.train.width == 12);
    CHECK(ds.train.channels == 3);
    CHECK(ds.default_augment.pad == 1);
    CHECK(ds.default_augment.crop == 12);
    CHECK(ds.default_augment.hflip);
    REQUIRE(ds.folder.has_value());
    CHECK_THAT(ds.folder->splits, Contains("test: val/"));
    CHECK(ds.normalization.mean.size() == 3);
    // The test split is val/ in torchvision's order: cat_0000.png, cat_0001.png, dog_0000.png, ...
    const char* names[] = {"cat/cat_0000.png", "cat/cat_0001.png",     "dog/dog_0000.png",
                           "dog/dog_0001.png", "tench/tench_0000.png", "tench/tench_0001.png"};
    for (std::size_t i = 0; i < ds.test.size(); ++i) {
        INFO(names[i]);
        CHECK(ds.test.labels[i] == static_cast<std::int32_t>(i / 2));
        CHECK(ds.test.original_index[i] == static_cast<std::int64_t>(i));
        CHECK(pixels_of(ds.test, i) == expected_pixels(dir.path() / "val" / names[i], spec.folder_images));
    }
    // Training and validation images keep their place in train/ as the original index; together they are all of it.
    std::vector<std::int64_t> all(ds.train.original_index);
    all.insert(all.end(), ds.val.original_index.begin(), ds.val.original_index.end());
    std::sort(all.begin(), all.end());
    for (std::size_t i = 0; i < all.size(); ++i) CHECK(all[i] == static_cast<std::int64_t>(i));
    const std::int64_t j = ds.val.original_index[0];
    const char* cls = ds.val.labels[0] == 0 ? "cat" : ds.val.labels[0] == 1 ? "dog" : "tench";
    const fs::path file =
        dir.path() / "train" / cls / fmt::format("{}_{:04}.{}", cls, j % 6, j % 3 == 2 ? "jpg" : "png");
    CHECK(pixels_of(ds.val, 0) == expected_pixels(file, spec.folder_images));
}

TEST_CASE("folder splits by layout", "[data][folder_dataset]") {
    SECTION("train val and test folders") {
        TempDir dir;
        write_split_tree(dir.path(), true);
        const Dataset ds = load_dataset(folder_spec(dir.path(), 3, 8));
        CHECK(ds.train.size() == 18);
        CHECK(ds.val.size() == 6);
        CHECK(ds.test.size() == 6);
    }
    SECTION("one tree split by seed") {
        TempDir dir;
        FolderFixture f;
        f.per_class = 10;
        write_image_tree(dir.path(), f);
        DatasetSpec spec = folder_spec(dir.path(), 5, 8);
        spec.test_size = 7;
        const Dataset a = load_dataset(spec);
        CHECK(a.train.size() == 18);
        CHECK(a.val.size() == 5);
        CHECK(a.test.size() == 7);
        // The test split depends only on the seed and its size, not on the validation size.
        spec.val_size = 9;
        const Dataset b = load_dataset(spec);
        CHECK(b.test.original_index == a.test.original_index);
        CHECK(b.val.size() == 9);
        spec.seed = 5;
        CHECK(load_dataset(spec).test.original_index != a.test.original_index);
    }
    SECTION("only the wanted splits are decoded") {
        TempDir dir;
        write_split_tree(dir.path(), false);
        DatasetSpec spec = folder_spec(dir.path(), 3, 8);
        spec.wanted = {false, false, true};
        const Dataset ds = load_dataset(spec);
        CHECK(ds.train.size() == 0);
        CHECK(ds.val.size() == 0);
        CHECK(ds.test.size() == 6);
        CHECK(ds.normalization.mean.empty());
    }
}

TEST_CASE("folder errors name the folder", "[data][folder_dataset]") {
    TempDir dir;
    write_split_tree(dir.path(), false);
    CHECK_THAT(error_message([&] { load_dataset(folder_spec(dir.path(), 18, 8)); }),
               Contains((dir.path() / "train").string()) && Contains("set val-size smaller"));
    const fs::path single = dir / "single";
    write_image_tree(single, {});
    DatasetSpec spec = folder_spec(single, 2, 8);
    spec.test_size = 30;
    CHECK_THAT(error_message([&] { load_dataset(spec); }), Contains(single.string()) && Contains("set test-size"));
    CHECK_THAT(error_message([&] { load_dataset(folder_spec(dir / "missing", 2, 8)); }),
               Contains((dir / "missing").string()) && Contains("does not exist"));
    fs::create_directories(dir / "empty" / "a");
    CHECK_THAT(error_message([&] { load_dataset(folder_spec(dir / "empty", 0, 8)); }),
               Contains((dir / "empty").string()));
    spec.test_size = 3;
    spec.folder_images.size = 0;
    CHECK_THAT(error_message([&] { load_dataset(spec); }), Contains("must be 1 to"));
}

TEST_CASE("bad images fail naming the file or are skipped and counted", "[data][folder_dataset]") {
    TempDir dir;
    write_split_tree(dir.path(), false);
    const fs::path bad = dir.path() / "val" / "dog" / "dog_0001.png";
    Bytes bytes = read_whole_file(bad);
    bytes.resize(bytes.size() / 2);
    write_file(bad, bytes);
    write_file(dir.path() / "val" / "cat" / "zz.jpg", text_bytes("not a picture"));
    DatasetSpec spec = folder_spec(dir.path(), 3, 8);
    const std::string message = error_message([&] { load_dataset(spec); });
    CHECK_THAT(message, Contains((dir.path() / "val" / "cat" / "zz.jpg").string()) && Contains("1 more bad image"));
    spec.folder_images.skip_bad_images = true;
    const Dataset ds = load_dataset(spec);
    CHECK(ds.test.size() == 5);
    REQUIRE(ds.folder.has_value());
    CHECK(ds.folder->bad_images == 2);
    CHECK(ds.test.original_index == std::vector<std::int64_t>{0, 1, 3, 5, 6});
    CHECK(ds.test.labels == std::vector<std::int32_t>{0, 0, 1, 2, 2});
}

TEST_CASE("hidden folders and files are counted", "[data][folder_dataset]") {
    TempDir dir;
    write_split_tree(dir.path(), false);
    fs::create_directories(dir.path() / "train" / ".ipynb_checkpoints");
    write_file(dir.path() / "train" / "cat" / "._cat_0000.png", text_bytes("AppleDouble"));
    const Dataset ds = load_dataset(folder_spec(dir.path(), 3, 8));
    REQUIRE(ds.folder.has_value());
    CHECK(ds.folder->scan.hidden_folders == 1);
    CHECK(ds.folder->scan.hidden_files == 1);
    CHECK(ds.class_names.size() == 3);
}

TEST_CASE("folder decoding does not depend on threads", "[data][folder_dataset]") {
    TempDir dir;
    FolderFixture f;
    f.per_class = 12;
    write_image_tree(dir.path(), f);
    DatasetSpec spec = folder_spec(dir.path(), 6, 16);
    spec.test_size = 6;
    Dataset one, two;
    tbb::task_arena(1).execute([&] { one = load_dataset(spec); });
    tbb::task_arena(2).execute([&] { two = load_dataset(spec); });
    CHECK(one.train.pixels == two.train.pixels);
    CHECK(one.test.pixels == two.test.pixels);
    CHECK(one.val.original_index == two.val.original_index);
}

TEST_CASE("image cache is read back and never stale", "[data][folder_dataset]") {
    TempDir dir;
    write_split_tree(dir.path(), false);
    DatasetSpec spec = folder_spec(dir.path(), 3, 8);
    spec.image_cache = dir / "cache";
    const Dataset first = load_dataset(spec);
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(spec.image_cache)) files.push_back(e.path());
    REQUIRE(files.size() == 3);  // train, carved validation, test

    // A second load reads the files: a byte changed in the test split's cache shows up.
    const ScannedTree val = scan_image_tree(dir.path() / "val");
    const fs::path test_cache = folder_cache_file(spec.image_cache, val.root, val.entries, spec.folder_images);
    REQUIRE(fs::exists(test_cache));
    {
        auto f = lskd::io::H5File::open_readwrite(test_cache.string());
        auto pixels = f.read<std::uint8_t>("/pixels");
        pixels.values[0] = static_cast<std::uint8_t>(pixels.values[0] ^ 0xFF);
        f.write("/pixels", pixels.values, pixels.shape, lskd::io::Storage::uncompressed);
        f.close();
    }
    const Dataset second = load_dataset(spec);
    CHECK(second.test.pixels[0] == (first.test.pixels[0] ^ 0xFF));
    CHECK(second.train.pixels == first.train.pixels);

    // A file rewritten (new size and time) changes the listing: the images are decoded again, not read stale.
    FolderFixture other;
    other.classes = {"cat"};
    other.per_class = 1;
    other.width = 50;
    other.seed = 9;
    write_image_tree(dir.path() / "val", other);
    const Dataset third = load_dataset(spec);
    CHECK(std::distance(fs::directory_iterator(spec.image_cache), fs::directory_iterator()) == 4);
    CHECK(pixels_of(third.test, 0) == expected_pixels(dir.path() / "val/cat/cat_0000.png", spec.folder_images));
    CHECK(pixels_of(third.test, 0) != pixels_of(first.test, 0));
}

TEST_CASE("image cache keeps bad images and refuses a wrong file", "[data][folder_dataset]") {
    TempDir dir;
    write_split_tree(dir.path(), false);
    write_file(dir.path() / "val" / "cat" / "zz.png", text_bytes("not a picture"));
    DatasetSpec spec = folder_spec(dir.path(), 3, 8);
    spec.image_cache = dir / "cache";
    spec.folder_images.skip_bad_images = true;
    CHECK(load_dataset(spec).folder->bad_images == 1);
    CHECK(load_dataset(spec).folder->bad_images == 1);  // from the cache
    spec.folder_images.skip_bad_images = false;
    CHECK_THAT(error_message([&] { load_dataset(spec); }), Contains("zz.png"));

    const ScannedTree val = scan_image_tree(dir.path() / "val");
    const fs::path cache = folder_cache_file(spec.image_cache, val.root, val.entries, spec.folder_images);
    {
        auto f = lskd::io::H5File::open_readwrite(cache.string());
        f.write("/labels", std::vector<std::int32_t>{0, 0, 0, 1, 1, 1});
        f.close();
    }
    spec.folder_images.skip_bad_images = true;
    CHECK_THAT(error_message([&] { load_dataset(spec); }),
               Contains(cache.string()) && Contains("delete it to decode again"));
}
