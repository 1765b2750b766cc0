#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "framework/data/folder_stream.hpp"
#include "framework/data/image_decoder.hpp"
#include "framework/data/seeded.hpp"
#include "image_fixtures.hpp"
#include "tests/heap_counter.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

const Normalization kNorm = imagenet_normalization();

// Two classes of JPEGs of assorted sizes (4:2:0 and 4:4:4, one progressive, one grey) and one PNG; the large ones
// are decoded at a reduced DCT scale for a 32-pixel output.
ScannedTree write_folder(const fs::path& root, int per_class) {
    const int sides[][2] = {{96, 72}, {300, 200}, {64, 100}, {520, 390}, {33, 47}, {260, 260}};
    for (int k = 0; k < 2; ++k) {
        fs::create_directories(root / ("class" + std::to_string(k)));
        for (int i = 0; i < per_class; ++i) {
            const int w = sides[(i + k) % 6][0], h = sides[(i + k) % 6][1];
            const fs::path file = root / ("class" + std::to_string(k)) / ("img" + std::to_string(i));
            const std::uint64_t seed = static_cast<std::uint64_t>(100 * k + i);
            if (i == 3) {
                PngSpec png{w, h, 2, 8, {}, {}, {}, false, {}};
                for (std::uint8_t v : photo_pixels(w, h, 3, seed)) png.samples.push_back(v);
                write_file(file.string() + ".png", encode_png(png));
                continue;
            }
            const int channels = i == 4 ? 1 : 3;
            JpegSpec jpeg;
            jpeg.width = w;
            jpeg.height = h;
            jpeg.channels = channels;
            jpeg.pixels = photo_pixels(w, h, channels, seed);
            jpeg.h_samp = jpeg.v_samp = i % 2 == 0 ? 2 : 1;
            jpeg.progressive = i == 5;
            write_file(file.string() + ".jpg", encode_jpeg(jpeg));
        }
    }
    return scan_image_tree(root);
}

FolderStreamSpec small_train_spec(int threads, bool scaled) {
    FolderStreamSpec spec = train_stream_spec(5, 7);
    spec.train.size = 32;
    spec.threads = threads;
    spec.scaled_decode = scaled;
    return spec;
}

// Every batch of `epochs` epochs, concatenated: the images' bytes, then the labels and indices.
struct Epochs {
    std::vector<float> images;
    std::vector<std::int64_t> indices;
    std::vector<std::int32_t> labels;
    std::size_t batches = 0;
};

Epochs run(FolderStream& stream, int epochs) {
    Epochs out;
    Batch b;
    for (int e = 0; e < epochs; ++e) {
        stream.begin_epoch(static_cast<std::uint64_t>(e));
        while (stream.next(b)) {
            out.images.insert(out.images.end(), b.images.data(), b.images.data() + b.images.numel());
            out.indices.insert(out.indices.end(), b.indices.begin(), b.indices.end());
            out.labels.insert(out.labels.end(), b.labels.begin(), b.labels.end());
            ++out.batches;
        }
    }
    return out;
}

RgbImage full_decode(const fs::path& file) {
    ImageDecoder decoder;
    RgbImage out;
    decoder.decode(read_whole_file(file), file, {}, out);
    return out;
}

double mean_abs_diff(const float* a, const float* b, std::size_t n) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += std::abs(static_cast<double>(a[i]) - b[i]);
    return sum / static_cast<double>(n);
}

}  // namespace

TEST_CASE("folder stream gives the same bytes on 1 and 2 threads", "[data][folder_stream]") {
    TempDir dir;
    const ScannedTree tree = write_folder(dir.path(), 7);
    FolderStream one(tree.root, tree.entries, kNorm, small_train_spec(1, true));
    FolderStream two(tree.root, tree.entries, kNorm, small_train_spec(2, true));
    const Epochs a = run(one, 2), b = run(two, 2);
    CHECK(a.batches == 2 * 3);
    REQUIRE(a.images.size() == 2 * 14 * 32 * 32 * 3);
    CHECK(std::memcmp(a.images.data(), b.images.data(), a.images.size() * sizeof(float)) == 0);
    CHECK(a.indices == b.indices);
    CHECK(a.labels == b.labels);
    // The epoch order is BatchLoader's: the seeded permutation of (seed, epoch).
    const std::vector<std::size_t> order = seeded_permutation(14, lskd::hash_keys(7, {stream::epoch_order, 1}));
    for (std::size_t i = 0; i < 14; ++i) {
        CHECK(a.indices[14 + i] == tree.entries.original_index(order[i]));
        CHECK(a.labels[14 + i] == tree.entries.label(order[i]));
    }
}

TEST_CASE("folder stream without scaled decoding is the train transform", "[data][folder_stream]") {
    TempDir dir;
    const ScannedTree tree = write_folder(dir.path(), 6);
    FolderStream stream(tree.root, tree.entries, kNorm, small_train_spec(2, false));
    const Epochs got = run(stream, 2);
    const TrainTransform t(small_train_spec(1, false).train, kNorm);
    std::vector<float> expected(t.output_floats());
    TransformScratch scratch;
    for (std::size_t i = 0; i < got.indices.size(); ++i) {
        const auto index = static_cast<std::size_t>(got.indices[i]);
        const RgbImage image = full_decode(tree.full_path(index));
        SeededDraws draws(7, i / 12, static_cast<std::uint64_t>(index));
        t.apply(image.view(), draws, scratch, expected.data());
        INFO("view " << i << " of " << tree.entries.relative_path(index));
        CHECK(std::memcmp(expected.data(), got.images.data() + i * expected.size(), expected.size() * 4) == 0);
    }
}

TEST_CASE("folder stream eval views are the eval transform", "[data][folder_stream]") {
    TempDir dir;
    const ScannedTree tree = write_folder(dir.path(), 6);
    FolderStreamSpec spec = eval_stream_spec(4);
    spec.eval = {40, 32};
    spec.threads = 2;
    FolderStream stream(tree.root, tree.entries, kNorm, spec);
    const Epochs got = run(stream, 1);
    REQUIRE(got.indices.size() == 12);
    const EvalTransform t(spec.eval, kNorm);
    std::vector<float> expected(t.output_floats());
    TransformScratch scratch;
    for (std::size_t i = 0; i < 12; ++i) {
        CHECK(got.indices[i] == static_cast<std::int64_t>(i));  // file order
        t.apply(full_decode(tree.full_path(i)).view(), scratch, expected.data());
        CHECK(std::memcmp(expected.data(), got.images.data() + i * expected.size(), expected.size() * 4) == 0);
    }
}

TEST_CASE("folder stream scaled decoding stays near the full decode", "[data][folder_stream]") {
    TempDir dir;
    const ScannedTree tree = write_folder(dir.path(), 6);
    FolderStream scaled(tree.root, tree.entries, kNorm, small_train_spec(2, true));
    FolderStream full(tree.root, tree.entries, kNorm, small_train_spec(2, false));
    const Epochs s = run(scaled, 2), f = run(full, 2);
    REQUIRE(s.indices == f.indices);
    const std::size_t floats = 32 * 32 * 3;
    double change = 0, other_view = 0;
    for (std::size_t i = 0; i < 12; ++i) {
        // The same image in epoch 1: another crop, the scale of a real difference between views.
        const std::size_t j =
            12 + static_cast<std::size_t>(std::find(f.indices.begin() + 12, f.indices.end(), f.indices[i]) -
                                          (f.indices.begin() + 12));
        change += mean_abs_diff(s.images.data() + i * floats, f.images.data() + i * floats, floats);
        other_view += mean_abs_diff(f.images.data() + j * floats, f.images.data() + i * floats, floats);
    }
    INFO("scaled against full " << change / 12 << ", two crops " << other_view / 12);
    CHECK(change > 0);  // the switch does change pixels: some crops were decoded at 1/2 to 1/8
    CHECK(change < other_view / 4);
}

TEST_CASE("folder stream bad files", "[data][folder_stream]") {
    TempDir dir;
    write_folder(dir.path(), 4);
    const fs::path bad = dir / "class1/img2.jpg";
    Bytes bytes = read_whole_file(bad);
    bytes.resize(bytes.size() / 2);
    write_file(bad, bytes);
    const ScannedTree tree = scan_image_tree(dir.path());
    SECTION("an error naming the file") {
        FolderStream stream(tree.root, tree.entries, kNorm, small_train_spec(2, true));
        CHECK_THAT(error_message([&] { run(stream, 1); }), Contains("class1/img2.jpg"));
    }
    SECTION("skipped and counted") {
        FolderStreamSpec spec = small_train_spec(2, true);
        spec.skip_bad = true;
        FolderStream stream(tree.root, tree.entries, kNorm, spec);
        const Epochs got = run(stream, 2);
        CHECK(got.indices.size() == 2 * 7);
        CHECK(std::count(got.indices.begin(), got.indices.end(), 6) == 0);  // class1/img2 is the 7th file
        CHECK(stream.skipped_images() == 1);
        CHECK_THAT(stream.skipped_errors().at(0), Contains("class1/img2.jpg"));
    }
    SECTION("a batch of bad files only is passed over") {
        FolderStreamSpec spec = small_train_spec(1, true);
        spec.batch_size = 1;
        spec.shuffle = false;
        spec.skip_bad = true;
        FolderStream stream(tree.root, tree.entries, kNorm, spec);
        const Epochs got = run(stream, 1);
        CHECK(got.batches == 7);
        CHECK(stream.batches_per_epoch() == 8);
    }
}

TEST_CASE("folder stream allocates nothing in the steady state", "[data][folder_stream]") {
    TempDir dir;
    const ScannedTree tree = write_folder(dir.path(), 12);
    // One thread, and an epoch seen before: every buffer has already held this epoch's largest crop.
    FolderStreamSpec spec = small_train_spec(1, true);
    spec.batch_size = 8;
    FolderStream stream(tree.root, tree.entries, kNorm, spec);
    Batch b;
    stream.begin_epoch(3);
    while (stream.next(b)) {
    }
    stream.begin_epoch(3);
    std::size_t images = 0;
    const lskd::testing::HeapCounts before = lskd::testing::heap_counts();
    while (stream.next(b)) images += b.size();
    const lskd::testing::HeapCounts after = lskd::testing::heap_counts();
    CHECK(images == 24);
    CHECK(after.allocations - before.allocations == 0);
}
