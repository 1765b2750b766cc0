// resnet-18 and resnet-50 against torchvision 0.14: the same parameter and buffer names in the same order with the
// same shapes, and the same trainable parameter count, as /usr/bin/python3 lists them at test time (skipped, said
// so, without python3-torchvision); forward shapes at 64 and 224 pixels; torchvision's initialisation.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <sys/wait.h>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "framework/autograd/node.hpp"
#include "models/model_registry.hpp"
#include "tests/random_tensor.hpp"

using namespace lskd;

namespace {

constexpr std::int64_t kClasses = 7;

struct PythonOutput {
    int code = -1;
    std::vector<std::string> lines;
};

// The lines a /usr/bin/python3 one-liner prints; exit code 77 says torchvision is missing.
PythonOutput run_python(const std::string& program) {
    const std::string command = "/usr/bin/python3 -c '" + program + "' 2>/dev/null";
    PythonOutput out;
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
        std::string line(buffer);
        if (!line.empty() && line.back() == '\n') line.pop_back();
        out.lines.push_back(line);
    }
    const int status = ::pclose(pipe);
    out.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

// torchvision's "name dim0 dim1 ..." per parameter, then "--", then per buffer (without BN's num_batches_tracked,
// a counter lskd does not keep), then "--" and sum(p.numel()) over the parameters.
PythonOutput torchvision_listing(const std::string& model, std::int64_t classes) {
    return run_python(fmt::format("import sys\n"
                                  "try:\n import torchvision\n"
                                  "except ImportError:\n sys.exit(77)\n"
                                  "m = torchvision.models.{}(num_classes={})\n"
                                  "for n, p in m.named_parameters(): print(n, *p.shape)\n"
                                  "print(\"--\")\n"
                                  "for n, b in m.named_buffers():\n"
                                  " if not n.endswith(\"num_batches_tracked\"): print(n, *b.shape)\n"
                                  "print(\"--\")\n"
                                  "print(sum(p.numel() for p in m.parameters()))\n",
                                  model, classes));
}

std::string entry(const std::string& name, const Shape& shape) {
    std::string line = name;
    for (std::int64_t i = 0; i < shape.rank(); ++i) line += fmt::format(" {}", shape[i]);
    return line;
}

// lskd's listing in torchvision's form; lskd's weights are OIHW as PyTorch's, so the shapes compare directly.
std::vector<std::string> lskd_listing(const models::Classifier& model) {
    std::vector<std::string> lines;
    std::uint64_t total = 0;
    for (const nn::NamedParameter& p : model.named_parameters()) {
        lines.push_back(entry(p.name, p.var.value().shape()));
        total += static_cast<std::uint64_t>(p.var.value().numel());
    }
    lines.push_back("--");
    for (const nn::NamedBuffer& b : model.named_buffers()) lines.push_back(entry(b.name, b.tensor.shape()));
    lines.push_back("--");
    lines.push_back(std::to_string(total));
    return lines;
}

Variable random_images(std::int64_t n, std::int64_t side) {
    return Variable(testing::random_tensor({n, side, side, 3}, 5));
}

double standard_deviation(const Tensor& t) {
    double sum = 0, squares = 0;
    for (float v : t.values()) {
        sum += v;
        squares += static_cast<double>(v) * v;
    }
    const double n = static_cast<double>(t.numel()), mean = sum / n;
    return std::sqrt(squares / n - mean * mean);
}

}  // namespace

TEST_CASE("resnet names and shapes are torchvision's", "[models][resnet_imagenet]") {
    for (const auto& [lskd_name, torch_name] :
         {std::pair{"resnet-18", "resnet18"}, std::pair{"resnet-50", "resnet50"}}) {
        DYNAMIC_SECTION(lskd_name) {
            const PythonOutput torch = torchvision_listing(torch_name, kClasses);
            if (torch.code == 77) {
                WARN("SKIPPED: python3-torchvision is not installed; the names are not compared");
                continue;
            }
            REQUIRE(torch.code == 0);
            const auto model = models::make_model(lskd_name, {224, 224, 3}, kClasses, 1);
            CHECK(lskd_listing(*model) == torch.lines);
            CHECK(std::to_string(models::parameter_count(lskd_name, {224, 224, 3}, kClasses)) == torch.lines.back());
        }
    }
}

TEST_CASE("resnet parameter counts for 1000 classes", "[models][resnet_imagenet]") {
    // torchvision's sum(p.numel()) for resnet18() and resnet50(), which its model documentation also gives.
    CHECK(models::parameter_count("resnet-18", {224, 224, 3}, 1000) == 11689512);
    CHECK(models::parameter_count("resnet-50", {224, 224, 3}, 1000) == 25557032);
    for (const auto& [name, torch_name] : {std::pair{"resnet-18", "resnet18"}, std::pair{"resnet-50", "resnet50"}}) {
        const PythonOutput torch = torchvision_listing(torch_name, 1000);
        if (torch.code == 77) {
            WARN("SKIPPED: python3-torchvision is not installed; the counts are not derived");
            break;
        }
        REQUIRE(torch.code == 0);
        CHECK(std::to_string(models::parameter_count(name, {224, 224, 3}, 1000)) == torch.lines.back());
    }
}

TEST_CASE("resnet forward shapes", "[models][resnet_imagenet]") {
    for (const auto& [name, width] : {std::pair{"resnet-18", 512}, std::pair{"resnet-50", 2048}})
        for (const std::int64_t side : {64, 224}) {
            DYNAMIC_SECTION(name << " at " << side) {
                const auto model = models::make_model(name, {side, side, 3}, kClasses, 1);
                const models::ClassifierOutput out = model->forward_with_features(random_images(2, side));
                CHECK(out.penultimate.shape() == Shape{2, width});
                CHECK(out.logits.shape() == Shape{2, kClasses});
                model->eval();
                NoGradGuard no_grad;
                CHECK(model->forward(random_images(1, side)).shape() == Shape{1, kClasses});
            }
        }
    // Downsampling by 32 leaves one pixel at 32; below it the table refuses.
    CHECK(models::make_model("resnet-18", {32, 40, 1}, 2, 1)
              ->forward(Variable(testing::random_tensor({1, 32, 40, 1}, 3)))
              .shape() == Shape{1, 2});
    CHECK_THROWS_WITH(models::make_model("resnet-50", {31, 64, 3}, 2, 1),
                      "model resnet-50: input 31x64x3 is too small (needs height and width >= 32 and at least one "
                      "channel)");
}

TEST_CASE("resnet initialisation is torchvision's", "[models][resnet_imagenet]") {
    const auto model = models::make_model("resnet-50", {224, 224, 3}, 10, 4);
    for (const nn::NamedParameter& p : model->named_parameters()) {
        INFO(p.name);
        const Tensor& t = p.var.value();
        if (t.rank() == 4) {
            // kaiming_normal_(mode fan_out, relu): std √(2 / (out·kh·kw)); over 4096+ draws within 10 %.
            const double expected = std::sqrt(2.0 / static_cast<double>(t.dim(0) * t.dim(2) * t.dim(3)));
            CHECK(standard_deviation(t) == Approx(expected).epsilon(0.1));
        } else if (p.name.starts_with("fc.")) {
            // nn.Linear's default: U(±1/√2048) for weight and bias.
            const auto [lo, hi] = std::minmax_element(t.values().begin(), t.values().end());
            CHECK(std::max(-*lo, *hi) <= 1.0f / std::sqrt(2048.0f));
            CHECK(*hi - *lo > 1.0f / std::sqrt(2048.0f));
        } else {
            const float expected = p.name.ends_with(".weight") ? 1.0f : 0.0f;  // BN γ 1, β 0
            CHECK(std::all_of(t.values().begin(), t.values().end(), [&](float v) { return v == expected; }));
        }
    }
}
