// ImageSplit over the two kinds of split: a generated folder loaded streamed (listed only, ImageNet's normalisation)
// and in memory gives the same labels, indices, subsets, batches (bit for bit, for the same normalisation) and
// 8-bit pixels; keep_examples and the max-train subset act on both alike; a streamed split with skip-bad-images
// leaves a bad file out of its batches and notes it once in the folder's log.
#include <catch2/catch.hpp>

#include <cstring>

#include "fixtures.hpp"
#include "folder_fixtures.hpp"
#include "framework/data/dataset.hpp"
#include "framework/data/image_transforms.hpp"

using namespace lskd;
using namespace lskd::data;
using namespace lskd::data::testing;
namespace fs = std::filesystem;

namespace {

DatasetSpec folder_spec(const fs::path& dir, bool stream) {
    DatasetSpec spec = dataset_spec("folder", dir, 6);
    spec.test_size = 6;
    spec.folder_images = {12, 15, false};
    spec.stream = stream;
    return spec;
}

// Every batch of `split` in order, `batch` at a time, as one row-major buffer with its labels and indices.
Batch all_batches(const ImageSplit& split, const Normalization& norm, std::size_t batch) {
    const auto source = split.batches(norm, batch);
    source->begin_epoch(0);
    Batch all, b;
    std::vector<float> rows;
    while (source->next(b)) {
        rows.insert(rows.end(), b.images.values().begin(), b.images.values().end());
        all.labels.insert(all.labels.end(), b.labels.begin(), b.labels.end());
        all.indices.insert(all.indices.end(), b.indices.begin(), b.indices.end());
    }
    const Shape view = split.example_shape();
    all.images = Tensor::from({static_cast<std::int64_t>(all.labels.size()), view[0], view[1], view[2]}, rows);
    return all;
}

bool same_bits(const Tensor& a, const Tensor& b) {
    return a.shape() == b.shape() &&
           std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.numel()) * sizeof(float)) == 0;
}

}  // namespace

TEST_CASE("a streamed split reads as the in-memory split of the same folder", "[data][image_split]") {
    TempDir dir;
    write_image_tree(dir.path(), {});  // 18 images: 6 test, 6 validation, 6 training
    const Dataset streamed = load_dataset(folder_spec(dir.path(), true));
    const Dataset memory = load_dataset(folder_spec(dir.path(), false));
    REQUIRE(streamed.streamed);
    CHECK(streamed.train.pixels.empty());
    CHECK(streamed.normalization.mean == imagenet_normalization().mean);
    const Normalization norm = imagenet_normalization();
    for (const SplitName which : {SplitName::train, SplitName::val, SplitName::test}) {
        const ImageSplit s = image_split(streamed, which), m = image_split(memory, which);
        CHECK(s.streamed());
        CHECK_FALSE(m.streamed());
        REQUIRE(s.size() == 6);
        CHECK(std::ranges::equal(s.labels(), m.labels()));
        CHECK(s.example_shape() == m.example_shape());
        const Batch bs = all_batches(s, norm, 4), bm = all_batches(m, norm, 4);
        CHECK(same_bits(bs.images, bm.images));
        CHECK(bs.labels == bm.labels);
        CHECK(bs.indices == bm.indices);
        const ImageSet ps = s.pixels(), pm = m.pixels();
        CHECK(ps.pixels == pm.pixels);
        CHECK(ps.original_index == pm.original_index);
        // A subset in another order, of each kind.
        const std::vector<std::size_t> positions{5, 0, 3};
        const ImageSplit ts = s.take(positions), tm = m.take(positions);
        REQUIRE(ts.size() == 3);
        for (std::size_t i = 0; i < 3; ++i) CHECK(ts.original_index(i) == m.original_index(positions[i]));
        CHECK(same_bits(all_batches(ts, norm, 2).images, all_batches(tm, norm, 2).images));
    }
}

TEST_CASE("keep_examples and max-train subset streamed listings as they subset images", "[data][image_split]") {
    TempDir dir;
    write_image_tree(dir.path(), {});
    DatasetSpec s = folder_spec(dir.path(), true), m = folder_spec(dir.path(), false);
    s.test_size = m.test_size = 3;
    s.max_train = m.max_train = 5;
    Dataset streamed = load_dataset(s);
    Dataset memory = load_dataset(m);
    REQUIRE(image_split(streamed, SplitName::train).size() == 5);
    CHECK(std::ranges::equal(image_split(streamed, SplitName::train).labels(), memory.train.labels));
    const std::vector<std::size_t> positions{1, 2};
    keep_examples(streamed, SplitName::val, positions);
    keep_examples(memory, SplitName::val, positions);
    const ImageSplit sv = image_split(streamed, SplitName::val);
    REQUIRE(sv.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) CHECK(sv.original_index(i) == memory.val.original_index[i]);
    CHECK_THROWS_WITH(load_dataset([&] {
                          DatasetSpec idx = dataset_spec("idx", dir.path(), 0);
                          idx.stream = true;
                          return idx;
                      }()),
                      Catch::Contains("only image folders"));
}

TEST_CASE("a streamed split with skip-bad-images leaves a bad file out and notes it once", "[data][image_split]") {
    TempDir dir;
    write_image_tree(dir.path(), {});
    write_file(dir.path() / "dog" / "dog_0099.png", text_bytes("not a png"));
    DatasetSpec spec = folder_spec(dir.path(), true);
    spec.val_size = spec.test_size = 0;
    const Dataset strict = load_dataset(spec);
    const ImageSplit all = image_split(strict, SplitName::train);
    REQUIRE(all.size() == 19);
    CHECK_FALSE(all.skips_bad());
    CHECK_THROWS_WITH(all_batches(all, strict.normalization, 8), Catch::Contains("dog_0099.png"));
    CHECK_THROWS_WITH(all.pixels(), Catch::Contains("dog_0099.png"));

    spec.folder_images.skip_bad_images = true;
    const Dataset skipping = load_dataset(spec);
    const ImageSplit split = image_split(skipping, SplitName::train);
    CHECK(split.skips_bad());
    CHECK(all_batches(split, skipping.normalization, 8).labels.size() == 18);
    CHECK(all_batches(split, skipping.normalization, 5).labels.size() == 18);  // another stream, the same file
    CHECK(skipping.streamed->bad_files->count() == 1);
    CHECK(strict.streamed->bad_files->count() == 0);
}
