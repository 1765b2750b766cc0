// lskd eval of an imported torchvision model on an image folder: a seeded resnet18 with random weights (Debian's
// python3-torchvision, tests/cli/torch_folder_fixture.py) imported for a generated 3-class train/val folder is scored
// at 224 px through Resize(256) + CenterCrop(224) with ImageNet's normalisation; its stored test logits equal
// torchvision's on the same files within 1e-4, and the calibration analysis takes the run. Skipped, said so, without
// torch.
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "distill/split_outputs_file.hpp"
#include "framework/io/h5_file.hpp"
#include "tests/cli/cli_runner.hpp"
#include "tests/data/folder_fixtures.hpp"

using namespace lskd;
using namespace lskd::testing;
namespace fs = std::filesystem;

TEST_CASE("eval of an imported model on a folder", "[cli][folder][slow]") {
    const fs::path dir = cli_temp_dir("folder_eval");
    data::testing::FolderFixture train;
    train.width = 64;
    train.height = 48;
    data::testing::write_image_tree(dir / "data" / "train", train);
    data::testing::FolderFixture val = train;
    val.per_class = 2;
    val.seed = 2;
    data::testing::write_image_tree(dir / "data" / "val", val);
    const ProgramOutput fixture =
        run_program({"/usr/bin/python3", LSKD_SOURCE_DIR "/tests/cli/torch_folder_fixture.py", dir.string(), "3"});
    if (fixture.code == 77) {
        WARN("SKIPPED: python3-torchvision is not installed; eval of an imported model on a folder is untested");
        return;
    }
    INFO(fixture.err);
    REQUIRE(fixture.code == 0);

    const std::string run = (dir / "r18").string();
    const ProgramOutput imported =
        run_lskd({"import", "--format", "torch", (dir / "resnet18.pth").string(), "--model", "resnet-18", "--output",
                  run, "--dataset", "folder", "--data-dir", (dir / "data").string(), "--val-size", "3"});
    INFO(imported.err);
    REQUIRE(imported.code == 0);

    const ProgramOutput eval = run_lskd({"eval", run, "--split", "test", "--write-outputs"});
    INFO(eval.err);
    REQUIRE(eval.code == 0);
    CHECK_THAT(eval.out, Catch::Contains("on test (6 examples, f32)"));

    const io::H5File expected = io::H5File::open_read((dir / "expected.h5").string());
    const Tensor torch_logits = expected.read_tensor("/logits", 2);
    const distill::StoredOutputs test = distill::read_split_outputs(run + "/outputs/test.h5", 3, false);
    REQUIRE(test.outputs.logits.shape() == torch_logits.shape());
    CHECK(test.outputs.labels == std::vector<std::int32_t>{0, 0, 1, 1, 2, 2});
    float worst = 0.0f;
    for (std::int64_t i = 0; i < torch_logits.numel(); ++i)
        worst = std::max(worst, std::abs(test.outputs.logits.at(i) - torch_logits.at(i)));
    INFO("largest logit difference " << worst);
    CHECK(worst < 1e-4f);

    const ProgramOutput calibration = run_lskd({"analyze", "calibration", run});
    INFO(calibration.err);
    REQUIRE(calibration.code == 0);
    const io::H5File analysis = io::H5File::open_read(run + "/analyses/calibration.h5");
    CHECK(analysis.is_group("/before"));
    CHECK(analysis.attr_int64("/", "report_examples") == 6);
    CHECK(analysis.attr_int64("/", "fit_examples") == 3);

    // The validation split: the 3 images carved from train/ by the import's val-size.
    const ProgramOutput again = run_lskd({"eval", run, "--split", "val"});
    CHECK(again.code == 0);
    CHECK_THAT(again.out, Catch::Contains("on val (3 examples, f32)"));
}

TEST_CASE("eval of a streamed folder run streams its split", "[cli][folder]") {
    const fs::path dir = cli_temp_dir("stream_eval");
    data::testing::FolderFixture f;
    f.per_class = 8;
    data::testing::write_image_tree(dir / "data", f);
    const std::string run = (dir / "run").string();
    const ProgramOutput trained = run_lskd({"train",
                                            "--dataset",
                                            "folder",
                                            "--data-dir",
                                            (dir / "data").string(),
                                            "--image-stream",
                                            "1",
                                            "--image-size",
                                            "16",
                                            "--val-size",
                                            "6",
                                            "--test-size",
                                            "9",
                                            "--model",
                                            "mlp",
                                            "--hidden",
                                            "8",
                                            "--epochs",
                                            "1",
                                            "--batch",
                                            "4",
                                            "--augment",
                                            "1",
                                            "--threads",
                                            "1",
                                            "--output",
                                            run});
    INFO(trained.err);
    REQUIRE(trained.code == 0);

    // The scores the run stored at its last epoch, recomputed from its files by streaming the test split again.
    const ProgramOutput eval = run_lskd({"eval", run, "--split", "test", "--json"});
    INFO(eval.err);
    REQUIRE(eval.code == 0);
    CHECK_THAT(eval.out, Catch::Contains("\"examples\": 9"));
    const io::H5File checkpoint = io::H5File::open_read(run + "/checkpoint.h5");
    CHECK(checkpoint.attr_int64("/data", "folder_streamed") == 1);
    for (const char* score : {"accuracy", "nll", "ece"}) {
        const std::string metric = std::string("/metrics/test_") + (score == std::string("accuracy") ? "acc" : score);
        CHECK_THAT(eval.out,
                   Catch::Contains(fmt::format("\"{}\": {}", score, checkpoint.read<double>(metric, 1).values.back())));
    }
}
