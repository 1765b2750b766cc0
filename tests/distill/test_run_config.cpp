#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>

#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "distill/run_config.hpp"
#include "framework/core/error.hpp"
#include "tests/io/io_test_support.hpp"
#include "tests/io/special_files.hpp"

using namespace lskd;
using namespace lskd::distill;

TEST_CASE("YAML keys set config fields and the effective config round-trips", "[distill][config]") {
    RunConfig c;
    apply_yaml_text(c, "model: lenet\nsmoothing: 0.1\nmilestones: [2, 4]\nnesterov: true\nepochs: 7\n", "test.yaml");
    CHECK(c.model == "lenet");
    CHECK(c.smoothing == 0.1);
    CHECK(c.milestones == std::vector<std::int64_t>{2, 4});
    CHECK(c.nesterov);
    RunConfig back;
    apply_yaml_text(back, to_yaml(c), "effective");
    CHECK(to_yaml(back) == to_yaml(c));
    CHECK(back.epochs == 7);
}

TEST_CASE("bad config keys and values are errors naming the source", "[distill][config]") {
    RunConfig c;
    CHECK_THROWS_WITH(apply_yaml_text(c, "lrr: 0.1\n", "my.yaml"),
                      Catch::Contains("my.yaml: unknown config key 'lrr'"));
    CHECK_THROWS_WITH(apply_yaml_text(c, "epochs: three\n", "my.yaml"),
                      Catch::Contains("'three' is not a valid integer"));
    CHECK_THROWS_WITH(apply_yaml_text(c, "- a\n- b\n", "my.yaml"), Catch::Contains("expected a mapping"));
    CHECK_THROWS_WITH(apply_yaml_text(c, "a: [\n", "my.yaml"), Catch::Contains("not valid YAML"));
    CHECK_THROWS_WITH(apply_yaml_file(c, "/nonexistent/x.yaml"), Catch::Contains("/nonexistent/x.yaml: cannot open"));
}

TEST_CASE("a config path that is a directory or a FIFO is named as such, not read", "[distill][config]") {
    const io::testing::TempDir dir;
    RunConfig c;
    CHECK_THROWS_WITH(apply_yaml_file(c, dir.path()),
                      Catch::Equals(dir.path() + ": is a directory, not a config file"));
    REQUIRE(io::testing::make_fifo(dir / "config.yaml"));
    CHECK_THROWS_WITH(apply_yaml_file(c, dir / "config.yaml"),
                      Catch::Equals(dir / "config.yaml" + ": is a named pipe (FIFO), not a config file"));
}

TEST_CASE("validation rejects out-of-range settings", "[distill][config]") {
    auto invalid = [](auto edit) {
        RunConfig c;
        edit(c);
        return c;
    };
    CHECK_NOTHROW(validate(RunConfig{}));
    CHECK_THROWS_WITH(validate(invalid([](RunConfig& c) { c.smoothing = 1.0; })), Catch::Contains("smoothing"));
    CHECK_THROWS_WITH(validate(invalid([](RunConfig& c) { c.smoothing = -0.1; })), Catch::Contains("smoothing"));
    CHECK_THROWS_WITH(validate(invalid([](RunConfig& c) { c.epochs = 0; })), Catch::Contains("epochs"));
    CHECK_THROWS_WITH(validate(invalid([](RunConfig& c) { c.batch = -1; })), Catch::Contains("batch"));
    CHECK_THROWS_WITH(validate(invalid([](RunConfig& c) { c.temperature = 0; })), Catch::Contains("temperature"));
    CHECK_THROWS_WITH(validate(invalid([](RunConfig& c) { c.beta = 1.5; })), Catch::Contains("beta"));
    CHECK_THROWS_WITH(validate(invalid([](RunConfig& c) { c.loss = "kl"; })), Catch::Contains("loss form"));
    CHECK_THROWS_WITH(validate(invalid([](RunConfig& c) { c.schedule = "step"; })), Catch::Contains("schedule"));
    CHECK_THROWS_WITH(validate(invalid([](RunConfig& c) { c.eval_every = 0; })),
                      Catch::Contains("eval-every must be positive, got 0"));
}

TEST_CASE("eval-every defaults to 1 and is set from YAML", "[distill][config]") {
    RunConfig c;
    CHECK(c.eval_every == 1);
    apply_yaml_text(c, "eval-every: 5\n", "test.yaml");
    CHECK(c.eval_every == 5);
    CHECK(to_yaml(c).find("eval-every: 5") != std::string::npos);
}

TEST_CASE("validation rejects non-finite numbers and out-of-range augmentation, threads and seeds",
          "[distill][config]") {
    auto error = [](auto edit) {
        RunConfig c;
        edit(c);
        try {
            validate(c);
        } catch (const lskd::Error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    const double inf = std::numeric_limits<double>::infinity(), nan = std::nan("");
    CHECK(error([&](RunConfig& c) { c.lr = inf; }) == "lr must be > 0 and finite, got inf");
    CHECK(error([&](RunConfig& c) { c.lr = nan; }) == "lr must be > 0 and finite, got nan");
    CHECK(error([&](RunConfig& c) { c.beta = nan; }) ==
          "beta must be in [0, 1] (or -1: the loss form's default), got nan");
    CHECK(error([&](RunConfig& c) { c.temperature = inf; }) == "temperature must be > 0 and finite, got inf");
    CHECK(error([&](RunConfig& c) { c.momentum = nan; }) == "momentum must be in [0, 1), got nan");
    CHECK(error([&](RunConfig& c) { c.weight_decay = inf; }) == "weight-decay must be >= 0 and finite, got inf");
    CHECK(error([&](RunConfig& c) { c.lr_gamma = 0; }) == "lr-gamma must be > 0 and finite, got 0");
    CHECK(error([&](RunConfig& c) { c.clip_norm = nan; }) == "clip-norm must be >= 0 and finite, got nan");
    CHECK(error([&](RunConfig& c) { c.dropout = nan; }) == "dropout must be in [0, 1), got nan");
    CHECK(error([&](RunConfig& c) { c.smoothing = nan; }) == "smoothing must be in [0, 1), got nan");
    CHECK(error([](RunConfig& c) { c.hidden = {16, 0}; }) == "hidden sizes must be positive, got 0");

    CHECK(error([](RunConfig& c) { c.shift = -1; }).empty());  // the data set's default
    CHECK(error([](RunConfig& c) { c.augment = true, c.shift = 0; }).empty());
    CHECK(error([](RunConfig& c) { c.shift = -5; }) ==
          "shift must be >= 0 pixels (or -1: the data set's default), got -5");
    for (int hflip : {-1, 0, 1}) CHECK(error([&](RunConfig& c) { c.augment = true, c.hflip = hflip; }).empty());
    CHECK(error([](RunConfig& c) { c.hflip = 7; }) ==
          "hflip must be 1 (on), 0 (off) or -1 (the data set's default), got 7");

    const int hw = max_threads();
    CHECK(hw >= 1);
    CHECK(error([&](RunConfig& c) { c.threads = hw; }).empty());
    CHECK_THAT(error([&](RunConfig& c) { c.threads = hw + 1; }),
               Catch::Contains(fmt::format("threads must be in [0, {}]", hw)) &&
                   Catch::EndsWith(fmt::format("got {}", hw + 1)));
    CHECK_THAT(error([](RunConfig& c) { c.threads = -1; }), Catch::EndsWith("got -1"));

    const std::uint64_t int64_max = 9223372036854775807ULL;  // 2^63 - 1, the run file's int64 attribute
    CHECK(error([&](RunConfig& c) { c.seed = int64_max; }).empty());
    CHECK(error([&](RunConfig& c) { c.seed = int64_max + 1; }) ==
          "seed must be at most 9223372036854775807, got 9223372036854775808");
}

TEST_CASE("a seed of -1 is not a valid seed", "[distill][config]") {
    RunConfig c;
    CHECK_THROWS_WITH(find_config_field("seed")->parse(c, "-1"), Catch::Contains("'-1' is not a valid integer"));
}

TEST_CASE("a duplicate YAML key is an error naming the file, the key and both lines", "[distill][config]") {
    RunConfig c;
    CHECK_THROWS_WITH(apply_yaml_text(c, "lr: 0.1\nepochs: 2\nlr: 0.5\n", "dup.yaml"),
                      "dup.yaml: duplicate key 'lr' at lines 1 and 3");
    CHECK(c.lr == RunConfig{}.lr);  // nothing applied
    CHECK_THROWS_WITH(check_unique_keys(YAML::Load("a:\n  - {x: 1,\n     x: 2}\n"), "nested.yaml"),
                      "nested.yaml: duplicate key 'x' at lines 2 and 3");
    CHECK_THROWS_WITH(apply_yaml_text(c, "? [a, b]\n: 1\n", "key.yaml"),
                      "key.yaml: line 1: a mapping key must be a plain value");
    CHECK_NOTHROW(apply_yaml_text(c, "lr: 0.1\nepochs: 2\n", "ok.yaml"));
}

TEST_CASE("each field names its value type for --help", "[distill][config]") {
    CHECK(find_config_field("lr")->type == "FLOAT");
    CHECK(find_config_field("smoothing")->type == "FLOAT");
    CHECK(find_config_field("epochs")->type == "INT");
    CHECK(find_config_field("seed")->type == "INT");
    CHECK(find_config_field("threads")->type == "INT");
    CHECK(find_config_field("nesterov")->type == "BOOL");
    CHECK(find_config_field("model")->type == "TEXT");
    CHECK(find_config_field("milestones")->type == "INT,...");
    for (const auto& field : config_fields()) CHECK_FALSE(field.type.empty());
}

TEST_CASE("optimizer and its Adam keys and the inverse-sqrt warmup parse and validate", "[distill][config]") {
    RunConfig c;
    apply_yaml_text(c,
                    "optimizer: adamw\nadam-betas: [0.9, 0.98]\nadam-eps: 1e-9\nschedule: inverse-sqrt\nwarmup: 4000\n",
                    "t.yaml");
    CHECK(c.optimizer == "adamw");
    CHECK(c.adam_betas == std::array<double, 2>{0.9, 0.98});
    CHECK(c.adam_eps == 1e-9);
    CHECK(c.warmup == 4000);
    CHECK_NOTHROW(validate(c));
    RunConfig back;
    apply_yaml_text(back, to_yaml(c), "effective");
    CHECK(to_yaml(back) == to_yaml(c));
    CHECK(back.adam_betas == c.adam_betas);
    CHECK(find_config_field("adam-betas")->type == "FLOAT,FLOAT");
    CHECK(find_config_field("warmup")->type == "INT");
    CHECK_THROWS_WITH(find_config_field("adam-betas")->parse(c, "0.9"), Catch::Contains("'0.9' is not two numbers"));
    CHECK_THROWS_WITH(find_config_field("adam-betas")->parse(c, "0.9,0.98,0.5"), Catch::Contains("not two numbers"));
    CHECK_THROWS_WITH(find_config_field("adam-betas")->parse(c, "0.9,x"), Catch::Contains("'x' is not a valid number"));

    const auto error = [](const std::function<void(RunConfig&)>& change) {
        RunConfig r;
        r.optimizer = "adamw";
        change(r);
        try {
            validate(r);
        } catch (const lskd::Error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(error([](RunConfig& r) { r.optimizer = "adam"; }) == "unknown optimizer 'adam' (expected sgd or adamw)");
    CHECK(error([](RunConfig& r) { r.adam_betas = {0.9, 1.0}; }) == "adam-betas must each be in [0, 1), got 1");
    CHECK(error([](RunConfig& r) {
              r.adam_betas = {std::nan(""), 0.9};
          }) == "adam-betas must each be in [0, 1), got nan");
    CHECK(error([](RunConfig& r) { r.adam_eps = 0; }) == "adam-eps must be > 0 and finite, got 0");
    CHECK(error([](RunConfig& r) { r.schedule = "inverse-sqrt"; }) ==
          "schedule inverse-sqrt needs its warmup (warmup: updates > 0), got 0");
    CHECK(error([](RunConfig& r) { r.schedule = "inverse-sqrt", r.warmup = -1; }) ==
          "warmup must be >= 0 updates, got -1");
}

TEST_CASE("mi-augment is one of training, shift, shift-flip, and training needs the run's augmentation",
          "[distill][config]") {
    RunConfig c;
    CHECK(c.mi_augment == "shift-flip");
    apply_yaml_text(c, "mi-augment: shift\n", "test.yaml");
    CHECK(c.mi_augment == "shift");
    CHECK_NOTHROW(validate(c));
    c.mi_augment = "flip";
    CHECK_THROWS_WITH(validate(c), Catch::Contains("unknown mi-augment 'flip'"));
    c.mi_augment = "training";
    CHECK_THROWS_WITH(validate(c), Catch::Contains("the run trains without"));
    c.augment = true;
    CHECK_NOTHROW(validate(c));
}

TEST_CASE("configs are checked for size as they are read: long values and lists, large files, deep nesting",
          "[distill][config]") {
    RunConfig c;
    CHECK_THROWS_WITH(apply_yaml_text(c, "output: " + std::string(5000, 'a') + "\n", "big.yaml"),
                      Catch::Contains("big.yaml: config key 'output': the value is 5000 bytes long; at most 4096"));
    std::string hidden = "hidden: [1";
    for (int i = 0; i < 1000; ++i) hidden += ", 1";
    CHECK_THROWS_WITH(apply_yaml_text(c, hidden + "]\n", "list.yaml"),
                      Catch::Contains("config key 'hidden': more than 1000 items"));

    const std::string flow = "model: " + std::string(65, '[') + std::string(65, ']') + "\n";
    CHECK_THROWS_WITH(apply_yaml_text(c, flow, "flow.yaml"), "flow.yaml: line 1: nested more than 64 levels deep");
    std::string block;
    for (int depth = 0; depth < 70; ++depth) block += std::string(static_cast<std::size_t>(depth), ' ') + "k:\n";
    CHECK_THROWS_WITH(apply_yaml_text(c, block, "block.yaml"), "block.yaml: line 65: nested more than 64 levels deep");
    std::string items;
    for (int depth = 0; depth < 70; ++depth) items += "- ";
    CHECK_THROWS_WITH(check_yaml_depth(items + "x\n", "items.yaml"), Catch::Contains("nested more than 64"));
    // Items ending in spaces (the fuzzer's find: the count once read past the line's end) count as items.
    CHECK_NOTHROW(check_yaml_depth("distill:\n  - \n  - - -   \n", "trailing.yaml"));
    CHECK_THROWS_WITH(check_yaml_depth(items + "   \n", "trailing.yaml"), Catch::Contains("nested more than 64"));
    // Brackets in a quoted value and in a comment are not nesting; 64 levels are allowed.
    CHECK_NOTHROW(check_yaml_depth("mi-classes: \"" + std::string(100, '[') + "\"  # " + std::string(100, '{') + "\n",
                                   "quoted.yaml"));
    CHECK_NOTHROW(check_yaml_depth("a: " + std::string(63, '[') + std::string(63, ']') + "\n", "ok.yaml"));

    const std::string path = (std::filesystem::temp_directory_path() / "lskd_big_config.yaml").string();
    std::ofstream(path) << "# " << std::string(kMaxConfigFileBytes, '#') << "\n";
    CHECK_THROWS_WITH(apply_yaml_file(c, path), Catch::Contains("the config file is larger than 1048576 bytes"));
    std::filesystem::remove(path);
}

TEST_CASE("image folder fields act on folders only and check their sizes", "[distill][config]") {
    RunConfig c;
    apply_yaml_text(c, "image-size: 64\nimage-resize: 73\nimage-cache: cache\nskip-bad-images: true\n", "test.yaml");
    CHECK(c.image_size == 64);
    CHECK(c.image_resize == 73);
    CHECK(c.image_cache == "cache");
    CHECK(c.skip_bad_images);
    CHECK_THROWS_WITH(validate(c), Catch::Contains("image-size is set to 64, but it has no effect on this run") &&
                                       Catch::Contains("only image folders"));
    c.dataset = "folder";
    CHECK_NOTHROW(validate(c));
    c.test_size = 500;  // a one-tree folder carves its test split
    CHECK_NOTHROW(validate(c));
    c.image_resize = 63;
    CHECK_THROWS_WITH(validate(c), Catch::Contains("image-resize must be 0 (image-size) or from image-size (64)"));
    c.image_resize = 0;
    c.image_size = 0;
    CHECK_THROWS_WITH(validate(c), Catch::Contains("image-size must be 1 to 4096 pixels, got 0"));
}
