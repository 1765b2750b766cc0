#include <cmath>
#include <filesystem>
#include "tests/test_dir.hpp"

#include <catch2/catch.hpp>

#include "analysis/equivalent_smoothing.hpp"
#include "distill/evaluation.hpp"
#include "distill/targets.hpp"
#include "distill/teacher.hpp"
#include "framework/autograd/node.hpp"
#include "framework/core/random.hpp"
#include "framework/data/batch_loader.hpp"
#include "framework/io/h5_file.hpp"
#include "framework/tensor/eigen_view.hpp"
#include "tests/distill/teacher_fixture.hpp"
#include "tests/io/h5_storage.hpp"

using namespace lskd;
using namespace lskd::testing;
namespace fs = std::filesystem;

namespace {

std::string fresh_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / lskd::testing::process_test_dir() / name;
    fs::remove_all(dir);
    return dir.string();
}

distill::TeacherOptions cache_in(const std::string& dir) {
    distill::TeacherOptions o;
    o.cache_dir = dir;
    return o;
}

// The teacher's own logits on these images, straight from its run.
Tensor direct_logits(const std::string& teacher, const Tensor& images) {
    const auto model = distill::load_model(distill::load_run(teacher));
    model->eval();
    NoGradGuard no_grad;
    return model->forward(Variable(images)).value();
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
    REQUIRE(a.shape() == b.shape());
    return (as_matrix(a) - as_matrix(b)).cwiseAbs().maxCoeff();
}

data::Batch first_batch(const data::Dataset& d, bool augment) {
    data::LoaderSpec spec;
    spec.batch_size = 50;
    spec.seed = 7;
    if (augment) spec.augment = d.default_augment;
    data::BatchLoader loader(d.train, d.normalization, spec);
    loader.begin_epoch(0);
    data::Batch b;
    REQUIRE(loader.next(b));
    return b;
}

}  // namespace

TEST_CASE("γ of a teacher whose outputs are label-smoothing targets is α", "[distill][teacher][gamma]") {
    Rng rng(5);
    const int K = 10, N = 200;
    std::vector<int> labels(N);
    for (int& y : labels) y = static_cast<int>(rng.below(K));
    for (double alpha : {0.0, 0.05, 0.1, 0.3, 0.6, 0.75}) {
        Tensor targets = Tensor::empty({N, K});
        distill::smoothed_targets(labels, alpha, targets);
        Tensor logits = Tensor::empty({N, K});
        // log of the targets, with a floor for α = 0 so that softmax gives them back to float precision.
        for (std::int64_t i = 0; i < logits.numel(); ++i) logits.at(i) = std::log(std::max(targets.at(i), 1e-30f));
        CHECK(analysis::equivalent_smoothing(as_matrix(logits), labels, 1.0) == Approx(alpha).margin(1e-6));
        // Softening at T > 1 moves mass to the wrong classes: a hotter teacher smooths more.
        if (alpha > 0 && alpha < 0.75) CHECK(analysis::equivalent_smoothing(as_matrix(logits), labels, 4.0) > alpha);
    }
}

TEST_CASE("the stored γ is the teacher's mean wrong-class mass at T on the un-augmented training set",
          "[distill][teacher][gamma]") {
    const std::string teacher = small_teacher(0.1);
    for (double T : {1.0, 4.0}) {
        distill::RunConfig student = small_student_config(temp_path(fmt::format("gamma_T{}", T)), teacher);
        student.temperature = T;
        student.augment = true;  // γ still comes from un-augmented images
        const auto t = distill::open_teacher(student, small_dataset(), {});
        const distill::RunContents run = distill::load_run(teacher);
        const auto model = distill::load_model(run);
        const distill::SplitOutputs o = distill::run_model(*model, small_dataset().train, run.normalization, 64, false);
        CHECK(t->info().gamma ==
              Approx(analysis::equivalent_smoothing(as_matrix(o.logits), o.labels, T)).epsilon(1e-9));
        CHECK(t->info().alpha == 0.1);
        CHECK(t->info().test_acc == run.metrics.at("test_acc").back());
        CHECK(t->info().hash == distill::parameter_hash(run.params));
    }
}

TEST_CASE("the teacher cache: computed once, then a second student makes no teacher forward pass",
          "[distill][teacher][cache]") {
    const std::string teacher = small_teacher(0.0);
    const std::string cache = fresh_dir("cache_reuse");
    const auto& d = small_dataset();

    distill::TrainOptions o = quiet();
    const auto first =
        distill::distill_student(small_student_config(temp_path("cache_s1"), teacher), d, o, cache_in(cache));
    CHECK_FALSE(first.cache.hit);
    CHECK(first.teacher_forward_passes == (static_cast<std::int64_t>(d.train.size()) + 255) / 256);
    CHECK(fs::exists(first.cache.path));
    CHECK(fs::path(first.cache.path).filename() == first.teacher.hash + ".h5");
    // Logits barely deflate (run_file.cpp): stored as they are, checksummed.
    const io::testing::StoredLayout logits = io::testing::stored_layout(first.cache.path, "/logits");
    CHECK(logits.chunked_and_checksummed());
    CHECK_FALSE(logits.compressed());
    CHECK(io::testing::stored_layout(first.cache.path, "/labels").compressed());

    distill::RunConfig second_config = small_student_config(temp_path("cache_s2"), teacher);
    second_config.temperature = 4;
    const auto second = distill::distill_student(second_config, d, o, cache_in(cache));
    CHECK(second.cache.hit);
    CHECK(second.teacher_forward_passes == 0);
    CHECK(second.cache.compute_seconds == first.cache.compute_seconds);
    CHECK(second.summary.last.at("test_acc") > 0.5);

    // A cache of another teacher under this teacher's name is not used: it is rebuilt.
    {
        io::H5File f = io::H5File::open_readwrite(first.cache.path);
        f.set_attr("/", "teacher_hash", "0000000000000000");
    }
    const auto third = distill::open_teacher(small_student_config(temp_path("cache_s3"), teacher), d, cache_in(cache));
    CHECK_FALSE(third->cache().hit);
    CHECK(third->forward_passes() > 0);
}

TEST_CASE("cached teacher logits are the teacher's own logits of each batch example", "[distill][teacher][cache]") {
    const std::string teacher = small_teacher(0.0);
    const auto t = distill::open_teacher(small_student_config(temp_path("lookup"), teacher), small_dataset(),
                                         cache_in(fresh_dir("cache_lookup")));
    REQUIRE_FALSE(t->live());
    const data::Batch b = first_batch(small_dataset(), false);  // shuffled: rows follow the batch's indices
    CHECK(max_abs_diff(t->logits(b), direct_logits(teacher, b.images)) < 1e-4);
}

TEST_CASE("with augmentation the teacher runs on every augmented batch the student sees", "[distill][teacher][live]") {
    const std::string teacher = small_teacher(0.0);
    const auto& d = small_dataset();
    const std::string cache = fresh_dir("cache_live");
    distill::RunConfig student = small_student_config(temp_path("live"), teacher);
    student.augment = true;

    const auto t = distill::open_teacher(student, d, cache_in(cache));
    CHECK(t->live());
    const data::Batch b = first_batch(d, true);
    CHECK(max_abs_diff(t->logits(b), direct_logits(teacher, b.images)) < 1e-4);

    // The training-split logits (for γ) come from the cache the first teacher wrote.
    const auto r = distill::distill_student(student, d, quiet(), cache_in(cache));
    CHECK(r.cache.hit);
    const std::int64_t batches = (static_cast<std::int64_t>(d.train.size()) + student.batch - 1) / student.batch;
    CHECK(r.teacher_forward_passes == batches * student.epochs);
}

TEST_CASE("a live teacher sees its own input normalisation when the student's split differs",
          "[distill][teacher][live]") {
    const std::string teacher = small_teacher(0.0);
    distill::RunConfig student = small_student_config(temp_path("live_norm"), teacher);
    student.max_train = 300;
    student.augment = true;
    const data::Dataset d = distill::load_run_dataset(student);
    const distill::RunContents run = distill::load_run(teacher);
    REQUIRE(d.normalization.mean != run.normalization.mean);

    const auto t = distill::open_teacher(student, d, {});
    data::LoaderSpec spec;
    spec.batch_size = 40;
    spec.shuffle = false;
    data::BatchLoader loader(d.train, d.normalization, spec);
    loader.begin_epoch(0);
    data::Batch b;
    REQUIRE(loader.next(b));
    std::vector<std::size_t> first(40);
    for (std::size_t i = 0; i < first.size(); ++i) first[i] = i;
    const auto model = distill::load_model(run);
    const auto expected = distill::run_model(*model, data::take(d.train, first), run.normalization, 40, false);
    CHECK(max_abs_diff(t->logits(b), expected.logits) < 1e-4);
}

TEST_CASE("a distilled student's run records its teacher, T, β, the loss form and γ", "[distill][teacher]") {
    const std::string teacher = small_teacher(0.1);
    distill::RunConfig student = small_student_config(temp_path("student_attrs"), teacher);
    student.temperature = 2;
    student.loss = "hinton";
    const auto r = distill::distill_student(student, small_dataset(), quiet(), cache_in(fresh_dir("cache_attrs")));
    CHECK(r.summary.last.at("test_acc") > 0.5);

    const io::H5File f = io::H5File::open_read(distill::RunDirectory(student.output).checkpoint());
    CHECK(f.attr_string("/", "role") == "student");
    CHECK(f.attr_string("/distill", "teacher_file") == teacher);
    CHECK(f.attr_string("/distill", "teacher_hash") == distill::parameter_hash(distill::load_run(teacher).params));
    CHECK(f.attr_double("/distill", "teacher_alpha") == 0.1);
    CHECK(f.attr_double("/distill", "teacher_test_acc") == distill::load_run(teacher).metrics.at("test_acc").back());
    CHECK(f.attr_double("/distill", "gamma") == r.teacher.gamma);
    CHECK(r.teacher.gamma > 0.1);  // T = 2 softens a teacher trained at α = 0.1
    CHECK(f.attr_double("/distill", "temperature") == 2.0);
    CHECK(f.attr_double("/distill", "beta") == 0.9);  // hinton's default
    CHECK(f.attr_string("/distill", "loss") == "hinton");
    CHECK(f.attr_int64("/distill", "t_squared_applied") == 1);
    const distill::RunContents back = distill::load_run(student.output);
    REQUIRE(back.teacher);
    CHECK(back.teacher->gamma == r.teacher.gamma);
    CHECK(back.config.teacher == teacher);
}
