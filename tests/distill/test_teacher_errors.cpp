#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "distill/teacher.hpp"
#include "framework/core/error.hpp"
#include "framework/io/atomic_file.hpp"
#include "framework/io/h5_file.hpp"
#include "tests/distill/teacher_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;
namespace fs = std::filesystem;

namespace {

// Distils a student from `teacher` and expects an Error containing `message` before any output exists.
void check_rejected(const distill::RunConfig& student, const data::Dataset& d, const std::string& message) {
    CHECK_THROWS_WITH(distill::distill_student(student, d, quiet(), {}), Catch::Contains(message));
    CHECK_FALSE(fs::exists(student.output));
}

// A copy of the run directory `run`.
std::string copy_of(const std::string& run, const std::string& name) {
    const std::string copy = temp_path(name);
    fs::copy(run, copy, fs::copy_options::recursive);
    return copy;
}

}  // namespace

TEST_CASE("a missing, damaged or foreign teacher is an error naming it, before training",
          "[distill][teacher][errors]") {
    const auto& d = small_dataset();
    const std::string missing = temp_path("no_teacher");
    check_rejected(small_student_config(temp_path("s_missing"), missing), d, "teacher " + missing + ": ");
    check_rejected(small_student_config(temp_path("s_missing"), missing), d, "no such run");

    const std::string damaged = copy_of(small_teacher(0.0), "damaged_teacher");
    const std::string checkpoint = distill::RunDirectory(damaged).checkpoint();
    fs::resize_file(checkpoint, fs::file_size(checkpoint) / 2);
    check_rejected(small_student_config(temp_path("s_damaged"), damaged), d, "teacher " + damaged);

    const std::string text = temp_path("text_teacher.h5");
    std::ofstream(text) << "not a run";
    check_rejected(small_student_config(temp_path("s_text"), text), d, "teacher " + text);

    const std::string foreign = temp_path("foreign_teacher.h5");
    io::atomic_write(foreign, [](io::H5File& f) { f.write("/logits", std::vector<float>{1, 2}); });
    check_rejected(small_student_config(temp_path("s_foreign"), foreign), d, "not an lskd run");

    check_rejected(small_student_config(temp_path("s_none"), ""), d, "no teacher");
}

TEST_CASE("a teacher of another data set, class count or input shape is an error before training",
          "[distill][teacher][errors]") {
    const std::string teacher = small_teacher(0.0);

    // The data set is checked from the header alone, before any data are loaded.
    const std::string other_set = copy_of(teacher, "mnist_teacher");
    io::update_atomic(distill::RunDirectory(other_set).checkpoint(), [](io::H5File& f) {
        std::string config = f.attr_string("/", "config");
        config.replace(config.find("dataset: fashion-mnist"), 22, "dataset: mnist");
        f.set_attr("/", "config", config);
    });
    distill::RunConfig student = small_student_config(temp_path("s_other_set"), other_set);
    CHECK_THROWS_WITH(distill::check_teacher_run(other_set, student), Catch::Contains("trained on data set 'mnist'"));
    check_rejected(student, small_dataset(), "but the student uses 'fashion-mnist'");

    data::Dataset five = small_dataset();
    five.num_classes = 5;
    check_rejected(small_student_config(temp_path("s_five"), teacher), five, "has 10 classes, but");

    data::Dataset wide = small_dataset();
    wide.train.width = 32;
    check_rejected(small_student_config(temp_path("s_wide"), teacher), wide, "takes 28x28x1 inputs");
}

TEST_CASE("an unfinished teacher is an error", "[distill][teacher][errors]") {
    distill::RunConfig c = small_run_config(temp_path("unfinished_teacher"));
    distill::TrainHooks crash;
    crash.epoch_metrics["crash"] = [](models::Classifier&, const data::Dataset&,
                                      std::int64_t e) -> std::optional<double> {
        if (e == 2) throw std::runtime_error("killed");
        return 0.0;
    };
    CHECK_THROWS(distill::train(c, small_dataset(), quiet(), crash));
    check_rejected(small_student_config(temp_path("s_unfinished"), c.output), small_dataset(),
                   "not complete (1 of 3 epochs)");
}

TEST_CASE("T <= 0 and β outside [0, 1] are errors before training", "[distill][teacher][errors]") {
    const std::string teacher = small_teacher(0.0);
    for (double T : {0.0, -1.0}) {
        distill::RunConfig s = small_student_config(temp_path("s_bad_T"), teacher);
        s.temperature = T;
        check_rejected(s, small_dataset(), "temperature must be > 0");
    }
    for (double beta : {1.5, -0.5}) {
        distill::RunConfig s = small_student_config(temp_path("s_bad_beta"), teacher);
        s.beta = beta;
        check_rejected(s, small_dataset(), "beta must be in [0, 1]");
    }
}
