// A folder run with image-stream on a generated one-tree folder (3 classes, PNGs and JPEGs of two shapes): the data
// set holds no image, training streams RandomResizedCrop views, evaluation and records stream Resize + CenterCrop
// views whose logits are those of the in-memory path on the same pixels and normalisation, and the run resumes bit
// for bit at 1 and at 2 threads.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "distill/epoch_records.hpp"
#include "distill/evaluation.hpp"
#include "distill/mi_probe.hpp"
#include "distill/split_outputs_file.hpp"
#include "distill/teacher.hpp"
#include "framework/core/error.hpp"
#include "framework/data/image_transforms.hpp"
#include "tests/data/fixtures.hpp"
#include "tests/data/folder_fixtures.hpp"
#include "tests/distill/run_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

// 72 images: 12 test and 12 validation images drawn by seed, 48 to train on.
const std::string& folder() {
    static const std::string root = [] {
        const std::string path = temp_path("stream_folder");
        data::testing::FolderFixture f;
        f.per_class = 24;
        data::testing::write_image_tree(path, f);
        return path;
    }();
    return root;
}

distill::RunConfig stream_config(const std::string& output) {
    distill::RunConfig c;
    c.model = "mlp";
    c.hidden = {16};
    c.dataset = "folder";
    c.data_dir = folder();
    c.image_size = 16;
    c.image_resize = 20;
    c.val_size = 12;
    c.test_size = 12;
    c.epochs = 2;
    c.batch = 8;
    c.lr = 0.05;
    c.threads = 1;
    c.record_per_class = 3;
    c.augment = true;
    c.image_stream = true;
    c.output = output;
    return c;
}

// The same data decoded into memory: the same examples, the same eval pixels, the training split's normalisation.
distill::RunConfig in_memory(distill::RunConfig c) {
    c.image_stream = false;
    return c;
}

bool same_bits(const Tensor& a, const Tensor& b) {
    return a.defined() && b.defined() && a.shape() == b.shape() &&
           std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.numel()) * sizeof(float)) == 0;
}

float largest_difference(const Tensor& a, const Tensor& b) {
    REQUIRE(a.shape() == b.shape());
    float worst = 0;
    for (std::int64_t i = 0; i < a.numel(); ++i) worst = std::max(worst, std::abs(a.data()[i] - b.data()[i]));
    return worst;
}

bool same_parameters(const std::string& a, const std::string& b) {
    const auto pa = distill::load_run(a).params, pb = distill::load_run(b).params;
    for (const auto& [name, t] : pa)
        if (!same_bits(t, pb.at(name))) return false;
    return !pa.empty();
}

std::string refusal(const distill::RunConfig& c) {
    try {
        distill::validate(c);
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST_CASE("a streamed folder lists its splits and holds no image", "[distill][image_stream]") {
    const data::Dataset streamed = distill::load_run_dataset(stream_config(""));
    const data::Dataset memory = distill::load_run_dataset(in_memory(stream_config("")));
    REQUIRE(streamed.streamed);
    CHECK_FALSE(memory.streamed);
    for (const data::SplitName s : {data::SplitName::train, data::SplitName::val, data::SplitName::test}) {
        const data::ImageSplit listed = data::image_split(streamed, s), decoded = data::image_split(memory, s);
        CHECK(listed.streamed());
        // The same examples as the in-memory path, in the same order.
        REQUIRE(listed.size() == decoded.size());
        CHECK(std::ranges::equal(listed.labels(), decoded.labels()));
        for (std::size_t i = 0; i < listed.size(); ++i) CHECK(listed.original_index(i) == decoded.original_index(i));
    }
    CHECK(data::image_split(streamed, data::SplitName::train).size() == 48);
    for (const data::ImageSet* set : {&streamed.train, &streamed.val, &streamed.test}) {
        CHECK(set->size() == 0);
        CHECK(set->pixels.empty());
        CHECK(set->height == 16);  // the shape the model is built for
    }
    CHECK(memory.train.pixels.size() == 48u * 16 * 16 * 3);
    const data::Normalization imagenet = data::imagenet_normalization();
    CHECK(streamed.normalization.mean == imagenet.mean);
    CHECK(streamed.normalization.std == imagenet.std);
    CHECK(streamed.folder->streamed);
}

TEST_CASE("a streamed run's outputs and records are the in-memory path's on the same pixels",
          "[distill][image_stream]") {
    const distill::RunConfig config = stream_config(temp_path("stream_run"));
    const data::Dataset streamed = distill::load_run_dataset(config);
    distill::train(config, streamed, quiet());
    const distill::RunContents run = distill::load_run(config.output);
    REQUIRE(run.complete);
    REQUIRE(run.folder);
    CHECK(run.folder->streamed);
    CHECK(run.config.image_stream);
    CHECK(run.normalization.mean == data::imagenet_normalization().mean);
    auto model = distill::load_model(run);

    // The same images decoded into memory, scored with the run's (ImageNet's) normalisation.
    data::Dataset memory = distill::load_run_dataset(in_memory(config));
    const data::Normalization own = memory.normalization;
    const distill::RunDirectory dir(config.output);
    for (const char* split : {"val", "test"}) {
        INFO(split);
        const data::ImageSet& set = std::string(split) == "val" ? memory.val : memory.test;
        const distill::StoredOutputs stored = distill::read_split_outputs(dir.outputs(split), 3, false);
        const distill::SplitOutputs expected = distill::run_model(*model, set, run.normalization, 256, false);
        CHECK(stored.epoch == 2);
        CHECK(stored.outputs.labels == expected.labels);
        CHECK(stored.outputs.indices == expected.indices);
        CHECK(largest_difference(stored.outputs.logits, expected.logits) <= 1e-6f);
        // Not equal by accident: the examples' logits differ from one another, and the training split's own
        // normalisation (which the streamed run could not compute) gives other logits.
        const Tensor& z = expected.logits;
        float spread = 0;
        for (std::int64_t i = 0; i < z.numel(); ++i) spread = std::max(spread, std::abs(z.data()[i] - z.data()[i % 3]));
        CHECK(spread > 1e-2f);
        CHECK(largest_difference(stored.outputs.logits, distill::run_model(*model, set, own, 256, false).logits) >
              1e-3f);
    }
    // Records of every split, the training split's too, with penultimate features.
    for (const auto& [split, set] : {std::pair("train", &memory.train), std::pair("test", &memory.test)}) {
        INFO(split);
        const data::ImageSet subset =
            data::take(*set, distill::record_positions(set->labels, memory.num_classes, config.record_per_class));
        const distill::SplitOutputs expected = distill::run_model(*model, subset, run.normalization, 256, true);
        const distill::StoredOutputs stored = distill::read_split_outputs(dir.record(split, 2), 3, true);
        REQUIRE(stored.outputs.indices == expected.indices);
        CHECK(largest_difference(stored.outputs.logits, expected.logits) <= 1e-6f);
        CHECK(largest_difference(stored.outputs.penultimate, expected.penultimate) <= 1e-6f);
    }
}

namespace {

// A run at `threads` straight through, and the same run stopped in its second epoch (after the first was written)
// and resumed: the stream hands the resumed run the batches the straight one saw, bit for bit.
std::pair<distill::TrainSummary, distill::TrainSummary> straight_and_resumed(distill::RunConfig config,
                                                                             const data::Dataset& streamed) {
    const std::string name = "stream_" + std::to_string(config.threads) + "_threads";
    config.output = temp_path(name + "_straight");
    auto straight = distill::train(config, streamed, quiet());
    config.output = temp_path(name + "_stopped");
    distill::TrainHooks stop;
    stop.epoch_metrics["stop"] = [](models::Classifier&, const data::Dataset&,
                                    std::int64_t epoch) -> std::optional<double> {
        if (epoch == 2) throw std::runtime_error("stopped");
        return 0.0;
    };
    CHECK_THROWS_WITH(distill::train(config, streamed, quiet(), stop), "stopped");
    REQUIRE(distill::load_run(config.output).epochs_done == 1);
    distill::TrainOptions resume = quiet();
    resume.resume = true;
    distill::TrainHooks go_on;
    go_on.epoch_metrics["stop"] = [](models::Classifier&, const data::Dataset&, std::int64_t) {
        return std::optional<double>(0.0);
    };
    auto resumed = distill::train(config, streamed, resume, go_on);
    return {std::move(straight), std::move(resumed)};
}

Tensor test_logits(const distill::TrainSummary& run) {
    return distill::read_split_outputs(distill::RunDirectory(run.output).outputs("test"), 3, false).outputs.logits;
}

float largest_parameter_difference(const std::string& a, const std::string& b) {
    const auto pa = distill::load_run(a).params, pb = distill::load_run(b).params;
    float worst = 0;
    for (const auto& [name, t] : pa) worst = std::max(worst, largest_difference(t, pb.at(name)));
    return worst;
}

}  // namespace

// The batches are the same bytes at any thread count (tests/data: "folder stream gives the same bytes on 1 and 2
// threads"), but the training is deterministic only given the thread count: oneDNN's GEMMs may split a sum between
// threads (gemm:jit splits the inner product's 768-long dot products on AVX2), so 1 and 2 threads agree to rounding.
TEST_CASE("a streamed run resumes bit for bit at 1 and at 2 threads, and agrees across them to rounding",
          "[distill][image_stream]") {
    const distill::RunConfig config = stream_config("");
    const data::Dataset streamed = distill::load_run_dataset(config);
    const auto [straight, resumed] = straight_and_resumed(config, streamed);
    distill::RunConfig two = config;
    two.threads = 2;
    const auto [straight_two, resumed_two] = straight_and_resumed(two, streamed);
    for (const auto& [a, b] : {std::pair{&straight, &resumed}, std::pair{&straight_two, &resumed_two}}) {
        INFO(a->output);
        CHECK(same_parameters(a->output, b->output));
        CHECK(same_bits(test_logits(*a), test_logits(*b)));
        for (const char* name : {"train_loss", "train_acc", "val_acc", "test_acc", "test_nll"})
            CHECK(b->last.at(name) == a->last.at(name));
    }
    CHECK(largest_parameter_difference(straight.output, straight_two.output) <= 1e-5f);
    CHECK(largest_difference(test_logits(straight), test_logits(straight_two)) <= 1e-4f);
}

TEST_CASE("without augmentation a streamed run trains as the in-memory run on the same pixels",
          "[distill][image_stream]") {
    distill::RunConfig config = stream_config(temp_path("stream_plain"));
    config.augment = false;
    distill::train(config, distill::load_run_dataset(config), quiet());

    distill::RunConfig memory_config = in_memory(config);
    memory_config.output = temp_path("memory_plain");
    data::Dataset memory = distill::load_run_dataset(memory_config);
    memory.normalization = data::imagenet_normalization();
    distill::train(memory_config, memory, quiet());
    CHECK(same_parameters(config.output, memory_config.output));

    // With the stream's training preset the run learns from other pixels.
    distill::RunConfig cropped = stream_config(temp_path("stream_cropped"));
    distill::train(cropped, distill::load_run_dataset(cropped), quiet());
    CHECK_FALSE(same_parameters(config.output, cropped.output));
    // hflip 0 keeps RandomResizedCrop and drops the flip.
    distill::RunConfig unflipped = stream_config(temp_path("stream_unflipped"));
    unflipped.hflip = 0;
    distill::train(unflipped, distill::load_run_dataset(unflipped), quiet());
    CHECK_FALSE(same_parameters(cropped.output, unflipped.output));
}

TEST_CASE("a streamed run's MI probe decodes its examples as the in-memory probe sees them",
          "[distill][image_stream]") {
    distill::RunConfig config = stream_config(temp_path("stream_mi"));
    config.mi_every = 1;
    config.mi_examples = 8;
    config.mi_views = 3;
    config.mi_classes = "cat,tench";
    config.epochs = 1;
    const data::Dataset streamed = distill::load_run_dataset(config);
    distill::train(config, streamed, quiet());
    const distill::RunContents run = distill::load_run(config.output);
    auto model = distill::load_model(run);

    const data::Dataset memory = distill::load_run_dataset(in_memory(config));
    const distill::MiProbe probe = distill::make_mi_probe(memory, distill::run_mi_settings(config, memory));
    const distill::MiEstimate expected = distill::estimate_mi(*model, memory.train, run.normalization, probe);
    CHECK(run.metrics.at("mi").back() == expected.mi.nats);
    CHECK(std::isfinite(expected.mi.nats));
    const distill::MiEstimate decoded =
        distill::estimate_mi(*model, data::image_split(streamed, data::SplitName::train), run.normalization, probe);
    CHECK(decoded.indices == expected.indices);
    CHECK(decoded.means == expected.means);
}

TEST_CASE("a streamed student runs its teacher on its own augmented batches", "[distill][image_stream]") {
    distill::RunConfig teacher = stream_config(temp_path("stream_teacher"));
    teacher.epochs = 1;
    const data::Dataset streamed = distill::load_run_dataset(teacher);
    distill::train(teacher, streamed, quiet());

    distill::RunConfig student = stream_config(temp_path("stream_student"));
    student.epochs = 1;
    student.hidden = {8};
    student.teacher = teacher.output;
    distill::TeacherOptions options;
    options.cache_dir = temp_path("stream_teacher_cache");
    const distill::DistillResult r = distill::distill_student(student, streamed, quiet(), options);
    CHECK(r.live);
    // The training split's logits once (for γ), then one teacher pass per student step.
    CHECK(r.teacher_forward_passes == r.cache.forward_passes + 6);
    CHECK(distill::load_run(student.output).complete);
}

TEST_CASE("image-stream is refused where it cannot be honoured", "[distill][image_stream]") {
    distill::RunConfig idx = small_run_config("x");
    idx.image_stream = true;
    CHECK_THAT(refusal(idx), Catch::Contains("image-stream is set to true") && Catch::Contains("only image folders"));
    distill::RunConfig c = stream_config("x");
    CHECK(refusal(c).empty());
    c.image_cache = "cache";
    CHECK_THAT(refusal(c), Catch::Contains("image-cache is set to cache") && Catch::Contains("keeps no cache"));
    c = stream_config("x");
    c.shift = 2;
    CHECK_THAT(refusal(c), Catch::Contains("shift is set to 2") && Catch::Contains("RandomResizedCrop"));
    c = stream_config("x");
    c.mi_augment = "training";
    CHECK_THAT(refusal(c), Catch::Contains("mi-augment training") && Catch::Contains("image-stream true"));
    // A run given data loaded otherwise than its config says is refused before its first step.
    const distill::RunConfig memory_config = in_memory(stream_config(temp_path("stream_mismatch")));
    CHECK_THROWS_WITH(distill::train(memory_config, distill::load_run_dataset(stream_config("")), quiet()),
                      Catch::Contains("image-stream is false, but the data set was loaded streamed"));
    CHECK_FALSE(std::filesystem::exists(memory_config.output));
}

TEST_CASE("a streamed run names a bad file, or skips and counts it with skip-bad-images", "[distill][image_stream]") {
    const std::string root = temp_path("stream_bad_folder");
    data::testing::FolderFixture f;
    f.per_class = 8;
    data::testing::write_image_tree(root, f);
    const std::string bad = root + "/dog/dog_0100.jpg";
    data::testing::write_file(bad, data::testing::text_bytes("not an image"));
    distill::RunConfig config = stream_config(temp_path("stream_bad"));
    config.data_dir = root;
    config.val_size = 6;
    config.test_size = 9;
    config.epochs = 1;
    CHECK_THROWS_WITH(distill::train(config, distill::load_run_dataset(config), quiet()), Catch::Contains(bad));

    config.output = temp_path("stream_bad_skipped");
    config.skip_bad_images = true;
    distill::train(config, distill::load_run_dataset(config), quiet());
    const distill::RunContents run = distill::load_run(config.output);
    CHECK(run.complete);
    REQUIRE(run.folder);
    CHECK(run.folder->bad_images == 1);
    // Every evaluated example but the bad one has its outputs.
    const data::Dataset listed = distill::load_run_dataset(config);
    std::size_t evaluated_bad = 0;
    for (const data::FolderSplit* split : {&listed.streamed->val, &listed.streamed->test})
        for (std::size_t i = 0; i < split->entries.size(); ++i)
            evaluated_bad += split->entries.relative_path(i) == "dog/dog_0100.jpg";
    const distill::RunDirectory dir(config.output);
    const std::size_t scored = distill::read_split_outputs(dir.outputs("test"), 3, false).outputs.labels.size() +
                               distill::read_split_outputs(dir.outputs("val"), 3, false).outputs.labels.size();
    CHECK(scored == 15 - evaluated_bad);
}
