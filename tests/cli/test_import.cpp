// lskd import --format torch: a resnet18 state_dict written by Debian's python3-torchvision
// (tests/cli/torch_import_fixture.py, batch-norm statistics randomised) becomes a run whose eval-mode logits equal
// PyTorch's on the same inputs within 1e-4; bad files fail with one line naming what is wrong and leave no output;
// train --resume refuses an imported run. Skipped, said so, without torch and torchvision.
#include <cmath>
#include <filesystem>
#include <string>
#include <utility>

#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "framework/autograd/node.hpp"
#include "framework/io/h5_file.hpp"
#include "tests/cli/cli_runner.hpp"

using namespace lskd;
using namespace lskd::testing;
namespace fs = std::filesystem;

namespace {

// The fixture's folder, or empty when torch or torchvision is missing.
const fs::path& fixture() {
    static const fs::path dir = [] {
        const fs::path d = cli_temp_dir("import_fixture");
        const ProgramOutput r =
            run_program({"/usr/bin/python3", LSKD_SOURCE_DIR "/tests/cli/torch_import_fixture.py", d.string()});
        if (r.code == 77) return fs::path();
        REQUIRE(r.code == 0);
        return d;
    }();
    return dir;
}

ProgramOutput import_file(const std::string& file, const std::string& output, const std::string& model = "resnet-18") {
    return run_lskd({"import", "--format", "torch", (fixture() / file).string(), "--model", model, "--output", output});
}

void check_refused(const ProgramOutput& r, const std::string& message, const fs::path& output) {
    CHECK(r.code == 1);
    CHECK(lines_of(r.err).size() == 1);
    CHECK_THAT(r.err, Catch::Contains(message));
    CHECK_FALSE(fs::exists(output));
}

// NCHW → NHWC, lskd's layout.
Tensor channels_last(const Tensor& nchw) {
    const std::int64_t n = nchw.dim(0), c = nchw.dim(1), h = nchw.dim(2), w = nchw.dim(3);
    Tensor out = Tensor::empty({n, h, w, c});
    float* dst = out.values().data();
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t y = 0; y < h; ++y)
            for (std::int64_t x = 0; x < w; ++x)
                for (std::int64_t k = 0; k < c; ++k) *dst++ = nchw.at(((i * c + k) * h + y) * w + x);
    return out;
}

}  // namespace

TEST_CASE("import matches torchvision logits", "[cli][import][slow]") {
    if (fixture().empty()) {
        WARN("SKIPPED: python3-torchvision is not installed; the import is untested");
        return;
    }
    // resnet-18's basic blocks and resnet-50's bottlenecks (torchvision's V1.5 strides).
    const auto [model_name, stem] = GENERATE(std::pair<std::string, std::string>{"resnet-18", "resnet18"},
                                             std::pair<std::string, std::string>{"resnet-50", "resnet50"});
    CAPTURE(model_name);
    const std::string run = (cli_temp_dir("import_run") / stem).string();
    const ProgramOutput r = import_file(stem + ".pth", run, model_name);
    INFO(r.err);
    REQUIRE(r.code == 0);

    const distill::RunContents contents = distill::load_run(run);
    CHECK(contents.imported_from == (fixture() / (stem + ".pth")).string());
    CHECK(contents.optimizer.empty());
    CHECK(contents.epochs_done == 0);
    CHECK(contents.num_classes == 10);
    CHECK(contents.class_names.front() == "0");
    CHECK(contents.normalization.mean == std::vector<float>{0.485f, 0.456f, 0.406f});
    CHECK(contents.normalization.std == std::vector<float>{0.229f, 0.224f, 0.225f});

    const io::H5File expected =
        io::H5File::open_read((fixture() / (stem == "resnet18" ? "expected.h5" : "expected50.h5")).string());
    const Tensor inputs = channels_last(expected.read_tensor("/inputs", 4));
    const Tensor torch_logits = expected.read_tensor("/logits", 2);
    auto model = distill::load_model(contents);
    model->eval();
    NoGradGuard no_grad;  // the fused inference pass, as lskd eval runs it
    const Tensor logits = model->forward(Variable(inputs)).value();
    REQUIRE(logits.shape() == torch_logits.shape());
    float worst = 0.0f;
    for (std::int64_t i = 0; i < logits.numel(); ++i)
        worst = std::max(worst, std::abs(logits.at(i) - torch_logits.at(i)));
    CHECK(worst < 1e-4f);

    // Nothing to resume: no optimizer state, no epochs.
    const ProgramOutput resumed = run_lskd({"train", "--resume", run, "--quiet"});
    CHECK(resumed.code == 1);
    CHECK_THAT(resumed.err, Catch::Contains("a model imported from") && Catch::Contains("train a new run instead"));
}

TEST_CASE("import refuses bad state dicts", "[cli][import][slow]") {
    if (fixture().empty()) {
        WARN("SKIPPED: python3-torchvision is not installed; the bad files are untested");
        return;
    }
    const fs::path dir = cli_temp_dir("import_bad");
    const fs::path missing = dir / "missing", wrong = dir / "wrong", text = dir / "text";
    check_refused(import_file("missing_key.pth", missing.string()), "missing keys: layer2.0.bn1.running_var", missing);
    check_refused(import_file("wrong_shape.pth", wrong.string()),
                  "wrong shapes: fc.weight is [10, 256], the model's is [10, 512]", wrong);
    check_refused(import_file("not_a_zip.pth", text.string()), "not a PyTorch file", text);
    // Another architecture's state dict: the keys it lacks, the ones it has too many, the shapes that differ.
    const auto as_model = [&](const std::string& model, const fs::path& output) {
        return run_lskd({"import", "--format", "torch", (fixture() / "resnet18.pth").string(), "--model", model,
                         "--output", output.string()});
    };
    const ProgramOutput cifar = as_model("resnet-20", dir / "cifar");
    check_refused(cifar, "missing keys: classifier.bias, classifier.weight, features.bn1.bias", dir / "cifar");
    CHECK_THAT(cifar.err, Catch::Contains("unexpected keys: bn1.bias, bn1.running_mean"));
    const ProgramOutput deeper = as_model("resnet-50", dir / "deeper");
    check_refused(deeper, "missing keys: layer1.0.bn3.bias", dir / "deeper");
    CHECK_THAT(deeper.err, Catch::Contains("fc.weight is [10, 512], the model's is [10, 2048]"));
    CHECK(fs::is_empty(dir));
}

TEST_CASE("import needs an existing file", "[cli][import]") {
    const fs::path dir = cli_temp_dir("import_absent");
    const ProgramOutput r = run_lskd({"import", "--format", "torch", (dir / "absent.pth").string(), "--model",
                                      "resnet-18", "--output", (dir / "run").string()});
    check_refused(r, (dir / "absent.pth").string() + ": no such file", dir / "run");
}
