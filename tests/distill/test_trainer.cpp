#include <cmath>
#include <fstream>

#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "distill/evaluation.hpp"
#include "distill/split_outputs_file.hpp"
#include "framework/core/error.hpp"
#include "framework/io/h5_file.hpp"
#include "framework/tensor/eigen_view.hpp"
#include "tests/distill/run_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;

TEST_CASE("training is deterministic given seed and threads, and learns", "[distill][trainer]") {
    const auto a = distill::train(small_run_config(temp_path("det_a")), small_dataset(), quiet());
    const auto b = distill::train(small_run_config(temp_path("det_b")), small_dataset(), quiet());
    for (const auto& [name, value] : a.last)
        if (!name.ends_with("_seconds")) CHECK(b.last.at(name) == value);
    CHECK(a.last.at("test_acc") > 0.6);
    CHECK(distill::load_run(a.output).params.at("classifier.weight").values().size() == 10 * 32);
}

namespace {

// Trains `config` straight, then again killed in its second epoch and resumed: the two end the same, bit for bit.
// Returns the straight run's directory.
std::string check_resume_equality(distill::RunConfig config) {
    const std::string name = config.output;
    config.output = temp_path(name + "_straight");
    const auto straight = distill::train(config, small_dataset(), quiet());

    config.output = temp_path(name + "_interrupted");
    distill::TrainHooks crash;
    crash.epoch_metrics["crash"] = [](models::Classifier&, const data::Dataset&,
                                      std::int64_t epoch) -> std::optional<double> {
        if (epoch == 2) throw std::runtime_error("killed");
        return 0.0;
    };
    CHECK_THROWS_WITH(distill::train(config, small_dataset(), quiet(), crash), "killed");
    CHECK(distill::load_run(config.output).epochs_done == 1);

    distill::TrainOptions resume = quiet();
    resume.resume = true;
    distill::TrainHooks same;
    same.epoch_metrics["crash"] = [](models::Classifier&, const data::Dataset&, std::int64_t) {
        return std::optional<double>(0.0);
    };
    const auto resumed = distill::train(config, small_dataset(), resume, same);
    CHECK(distill::load_run(resumed.output).early_metrics.at("crash") == std::vector<double>{0.0});
    for (const char* name : {"test_acc", "test_nll", "test_ece", "train_loss", "val_acc", "lr"})
        CHECK(resumed.last.at(name) == straight.last.at(name));
    const auto p1 = distill::load_run(straight.output).params, p2 = distill::load_run(resumed.output).params;
    for (const auto& [name, t] : p1)
        CHECK(std::equal(t.values().begin(), t.values().end(), p2.at(name).values().begin()));
    return straight.output;
}

}  // namespace

TEST_CASE("a run interrupted after an epoch resumes to the same numbers", "[distill][trainer]") {
    distill::RunConfig config = small_run_config("sgd");
    config.schedule = "linear";
    config.smoothing = 0.1;
    check_resume_equality(config);
}

TEST_CASE("an AdamW run resumes to the same numbers", "[distill][trainer]") {
    // The Transformer recipe's optimisation on the small run: AdamW (0.9, 0.98), inverse-sqrt warmup over part of
    // the first epoch, clipping and decoupled weight decay.
    distill::RunConfig config = small_run_config("adamw");
    config.optimizer = "adamw";
    config.adam_betas = {0.9, 0.98};
    config.lr = 5e-3;
    config.schedule = "inverse-sqrt";
    config.warmup = 4;
    config.clip_norm = 1.0;
    config.weight_decay = 1e-4;
    config.smoothing = 0.1;
    const distill::RunContents run = distill::load_run(check_resume_equality(config));
    CHECK(run.config.optimizer == "adamw");
    CHECK(run.config.adam_betas == std::array<double, 2>{0.9, 0.98});
    CHECK(run.optimizer.at("classifier.weight.exp_avg_sq").shape() == run.params.at("classifier.weight").shape());
    CHECK(run.optimizer.count("classifier.weight.step") == 1);
    // Past its warmup the rate falls every epoch.
    const std::vector<double>& lr = run.metrics.at("lr");
    CHECK(lr[0] < 5e-3);
    CHECK(lr[1] < lr[0]);
    CHECK(lr[2] < lr[1]);
}

TEST_CASE("eval-every scores validation and test on its epochs and the last, NaN between, same training",
          "[distill][trainer]") {
    distill::RunConfig config = small_run_config(temp_path("every_1"));
    config.epochs = 4;
    const auto every_1 = distill::train(config, small_dataset(), quiet());
    config.output = temp_path("every_3");
    config.eval_every = 3;
    const auto every_3 = distill::train(config, small_dataset(), quiet());
    const auto m1 = distill::load_run(every_1.output).metrics, m3 = distill::load_run(every_3.output).metrics;
    for (const char* name : {"val_acc", "test_acc", "test_nll", "test_ece"}) {
        INFO(name);
        const std::vector<double>& v1 = m1.at(name);
        const std::vector<double>& v3 = m3.at(name);
        REQUIRE(v3.size() == 4);
        CHECK(std::isnan(v3[0]));
        CHECK(std::isnan(v3[1]));
        CHECK(v3[2] == v1[2]);  // epoch 3, divisible by 3
        CHECK(v3[3] == v1[3]);  // the last
        CHECK(!std::isnan(v1[0]));
    }
    CHECK(m3.at("train_loss") == m1.at("train_loss"));
    CHECK(distill::load_run(every_3.output).config.eval_every == 3);
}

TEST_CASE("a fresh run measures its epoch metrics before the first step and at mi-early steps of the first epoch",
          "[distill][trainer]") {
    distill::RunConfig config = small_run_config(temp_path("early_none"));
    config.epochs = 2;
    const auto plain = distill::train(config, small_dataset(), quiet());
    REQUIRE(small_dataset().train.size() == 600);  // 10 steps of batch 64

    config.output = temp_path("early");
    config.mi_every = 1;  // mi-early is the MI estimate's: without mi-every it is refused
    config.mi_examples = 100;
    config.mi_early = 3;
    std::vector<std::int64_t> calls;
    distill::TrainHooks hooks;
    hooks.epoch_metrics["w"] = [&calls](models::Classifier& m, const data::Dataset&, std::int64_t epoch) {
        calls.push_back(epoch);
        CHECK(!m.is_training());
        return std::optional<double>(m.head().weight().value().data()[0]);
    };
    const auto measured = distill::train(config, small_dataset(), quiet(), hooks);
    CHECK(calls == std::vector<std::int64_t>{0, 0, 0, 0, 1, 2});
    const distill::RunContents run = distill::load_run(measured.output);
    // Steps round(k·10/4) for k = 1, 2, 3: 3 (2.5 rounds up), 5 and 8 (7.5 rounds up).
    CHECK(run.early_metrics.at("epoch") == std::vector<double>{0.0, 3.0 / 10, 5.0 / 10, 8.0 / 10});
    const std::vector<double>& w = run.early_metrics.at("w");
    REQUIRE(w.size() == 4);
    CHECK(w[0] != w[1]);
    CHECK(run.metrics.at("w").size() == 2);
    // Measuring changes nothing of the training.
    const auto p1 = distill::load_run(plain.output).params, p2 = run.params;
    for (const auto& [name, t] : p1)
        CHECK(std::equal(t.values().begin(), t.values().end(), p2.at(name).values().begin()));
    CHECK(distill::load_run(plain.output).early_metrics.empty());
}

TEST_CASE("the run directory follows the schema and its records are consistent", "[distill][trainer][schema]") {
    distill::RunConfig config = small_run_config(temp_path("schema"));
    config.record_every = 2;
    distill::train(config, small_dataset(), quiet());
    const distill::RunDirectory run(config.output);
    const io::H5File f = io::H5File::open_read(run.checkpoint());
    CHECK(f.attr_string("/", "format") == "lskd-run/3");
    CHECK(f.attr_string("/", "model") == "mlp");
    CHECK(f.attr_int64("/", "num_classes") == 10);
    CHECK(f.attr_strings("/", "class_names").at(0) == "T-shirt/top");
    CHECK(f.attr_string("/", "config").find("smoothing: 0") != std::string::npos);
    for (const std::string group : {"/params", "/optimizer", "/counters", "/classifier", "/metrics", "/data"})
        CHECK(f.is_group(group));
    CHECK_FALSE(f.has("/records"));  // each in a file of its own
    CHECK_FALSE(f.has("/outputs"));
    CHECK(run.recorded_epochs("train") == std::vector<std::int64_t>{2, 3});
    for (const char* m : {"epoch", "train_loss", "train_acc", "val_acc", "test_acc", "test_nll", "test_ece"})
        CHECK(f.shape(std::string("/metrics/") + m) == io::Dims{3});
    const distill::StoredOutputs test = distill::read_split_outputs(run.outputs("test"), 10, false);
    CHECK(test.outputs.logits.shape() == Shape{300, 10});
    CHECK(test.epoch == 3);
    CHECK_FALSE(test.outputs.penultimate.defined());
    CHECK(distill::read_split_outputs(run.outputs("val"), 10, false).outputs.logits.shape() == Shape{200, 10});

    const Tensor W = f.read_tensor("/classifier/weight", 2), b = f.read_tensor("/classifier/bias", 1);
    for (const char* split : {"train", "test"}) {
        const distill::StoredOutputs r = distill::read_split_outputs(run.record(split, 3), 10, true);
        CHECK(r.split == split);
        CHECK(r.epoch == 3);
        const Tensor& x = r.outputs.penultimate;
        const Tensor& z = r.outputs.logits;
        CHECK(x.dim(0) == 50);
        const RowMatrixF expected = (as_matrix(x) * as_matrix(W).transpose()).rowwise() + as_vector(b).transpose();
        CHECK((expected - as_matrix(z)).cwiseAbs().maxCoeff() < 1e-4f);
    }
}

TEST_CASE("evaluating a stored model reproduces the stored last-epoch metrics", "[distill][trainer]") {
    const auto r = distill::train(small_run_config(temp_path("eval")), small_dataset(), quiet());
    const distill::RunContents run = distill::load_run(r.output);
    auto model = distill::load_model(run);
    const auto m = distill::score(distill::run_model(*model, small_dataset().test, run.normalization, 64, false));
    CHECK(m.accuracy == r.last.at("test_acc"));
    CHECK(m.nll == Approx(r.last.at("test_nll")).epsilon(1e-6));
    CHECK(m.ece == Approx(r.last.at("test_ece")).epsilon(1e-6));
}

TEST_CASE("a diverging run stops with an error naming epoch and step, keeping the last good epoch",
          "[distill][trainer]") {
    distill::RunConfig config = small_run_config(temp_path("nan"));
    config.schedule = "multi_step";
    config.milestones = {1};
    config.lr_gamma = 1e30;
    CHECK_THROWS_WITH(distill::train(config, small_dataset(), quiet()), Catch::Contains("at epoch 2 step"));
    const distill::RunContents kept = distill::load_run(config.output);
    CHECK(kept.epochs_done == 1);
    CHECK_FALSE(kept.complete);
}

TEST_CASE("bad outputs and runs are clear errors", "[distill][trainer]") {
    const std::string existing = temp_path("exists");
    std::filesystem::create_directories(existing);
    std::ofstream(existing + "/notes.txt") << "a user's file";  // an empty directory would be written into
    CHECK_THROWS_WITH(distill::train(small_run_config(existing), small_dataset(), quiet()),
                      Catch::Contains("output exists"));
    CHECK_THROWS_WITH(distill::load_run(existing), Catch::Contains(existing + ": not an lskd run"));
    CHECK_THROWS_WITH(distill::load_run(temp_path("missing")), Catch::Contains("no such run"));
    CHECK_THROWS_AS(distill::train(small_run_config("/proc/lskd/run"), small_dataset(), quiet()), Error);

    // A file, HDF5 or not, is not a run.
    const std::string text = temp_path("text.h5");
    std::ofstream(text) << "not hdf5";
    CHECK_THROWS_WITH(distill::load_run(text), Catch::Contains(text));
    const std::string other = temp_path("other.h5");
    { io::H5File::create(other).close(); }
    CHECK_THROWS_WITH(distill::load_run(other), Catch::Contains("not an lskd run"));

    // A damaged checkpoint: the first 4 KiB of a real one.
    const auto r = distill::train(small_run_config(temp_path("whole")), small_dataset(), quiet());
    const std::string checkpoint = distill::RunDirectory(r.output).checkpoint();
    std::filesystem::resize_file(checkpoint, 4096);
    CHECK_THROWS_WITH(distill::load_run(r.output), Catch::Contains(checkpoint));
    CHECK_THROWS_WITH(distill::read_run_header(r.output), Catch::Contains(checkpoint));
}
