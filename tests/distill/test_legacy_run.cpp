// lskd convert-run's conversion of a run file of an earlier lskd (lskd-run/2) into a run directory.
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "distill/legacy_run.hpp"
#include "distill/split_outputs_file.hpp"
#include "distill/teacher.hpp"
#include "framework/core/error.hpp"
#include "tests/distill/legacy_run_fixture.hpp"
#include "tests/distill/teacher_fixture.hpp"
#include "tests/io/io_test_support.hpp"

using namespace lskd;
using namespace lskd::testing;
namespace fs = std::filesystem;

namespace {

bool same_bits(const Tensor& a, const Tensor& b) {
    return a.shape() == b.shape() && std::equal(a.values().begin(), a.values().end(), b.values().begin());
}

void check_same_outputs(const distill::SplitOutputs& stored, const distill::SplitOutputs& written) {
    CHECK(same_bits(stored.logits, written.logits));
    CHECK(stored.labels == written.labels);
    CHECK(stored.indices == written.indices);
    CHECK(stored.penultimate.defined() == written.penultimate.defined());
    if (written.penultimate.defined()) CHECK(same_bits(stored.penultimate, written.penultimate));
}

struct Legacy {
    std::string source;  // the run directory the file was made from
    std::string file;
};

// A two-epoch run and its lskd-run/2 file, made once per test process.
const Legacy& legacy() {
    static const Legacy made = [] {
        distill::RunConfig c = small_run_config(temp_path("legacy_source"));
        c.epochs = 2;
        c.smoothing = 0.1;
        distill::train(c, small_dataset(), quiet());
        const std::string file = temp_path("legacy.h5");
        write_legacy_run(file, c.output);
        return Legacy{c.output, file};
    }();
    return made;
}

const std::string& legacy_file() { return legacy().file; }

}  // namespace

TEST_CASE("convert-run turns an lskd-run/2 file into a run directory, every field as it was", "[distill][legacy]") {
    const std::string old_bytes = io::testing::read_bytes(legacy_file());
    const std::string dir = temp_path("converted");
    const distill::ConvertedRun c = distill::convert_legacy_run(legacy_file(), dir, false);
    CHECK(c.records == 3);
    CHECK(c.outputs == 1);
    CHECK(c.analyses == 1);
    CHECK(io::testing::read_bytes(legacy_file()) == old_bytes);  // the old file is only read

    const distill::RunContents run = distill::load_run(dir);
    const distill::RunContents source = distill::load_run(legacy().source);
    const io::H5File f = io::H5File::open_read(distill::RunDirectory(dir).checkpoint());
    CHECK(f.attr_string("/", "format") == "lskd-run/3");
    CHECK(run.config.smoothing == 0.1);
    CHECK(distill::to_yaml(run.config) == distill::to_yaml(source.config));
    CHECK(run.epochs_done == 2);
    CHECK(run.complete);
    CHECK(run.class_names == source.class_names);
    CHECK(run.metrics == source.metrics);
    CHECK(run.setup_seconds == source.setup_seconds);
    CHECK(run.write_seconds == source.write_seconds);
    CHECK(run.normalization.mean == source.normalization.mean);
    CHECK(run.counters == source.counters);
    REQUIRE(run.params.size() == source.params.size());
    for (const auto& [name, t] : source.params) CHECK(same_bits(run.params.at(name), t));
    REQUIRE(run.optimizer.size() == source.optimizer.size());
    for (const auto& [name, t] : source.optimizer) CHECK(same_bits(run.optimizer.at(name), t));
    CHECK(same_bits(f.read_tensor("/classifier/weight", 2), source.params.at("classifier.weight")));

    const distill::RunDirectory d(dir);
    CHECK(d.recorded_epochs("train") == std::vector<std::int64_t>{1, 2});
    CHECK(d.recorded_epochs("test") == std::vector<std::int64_t>{2});
    CHECK(d.recorded_epochs("val").empty());
    const distill::StoredOutputs train_1 = distill::read_split_outputs(d.record("train", 1), 10, true);
    CHECK(train_1.split == "train");
    CHECK(train_1.epoch == 1);
    check_same_outputs(train_1.outputs, legacy_outputs(1, true));
    check_same_outputs(distill::read_split_outputs(d.record("train", 2), 10, true).outputs, legacy_outputs(2, true));
    check_same_outputs(distill::read_split_outputs(d.record("test", 2), 10, true).outputs, legacy_outputs(3, true));
    const distill::StoredOutputs test = distill::read_split_outputs(d.outputs("test"), 10, false);
    CHECK(test.split == "test");
    CHECK(test.epoch == 2);
    check_same_outputs(test.outputs, legacy_outputs(4, false));
    CHECK_FALSE(fs::exists(d.outputs("val")));

    const io::H5File a = io::H5File::open_read(d.analysis("calibration"));
    CHECK(a.attr_double("/", "temperature") == 1.5);
    CHECK(a.attr_string("/", "split") == "val");
    CHECK(a.read<double>("/bins/confidence", 1).values == std::vector<double>{0.1, 0.5, 0.9});
    CHECK(io::testing::read_bytes(d.metrics_csv()) ==
          io::testing::read_bytes(distill::RunDirectory(legacy().source).metrics_csv()));
    CHECK_FALSE(fs::exists(dir + ".lock"));
}

TEST_CASE("convert-run refuses an existing output, replaces only a run directory with --force", "[distill][legacy]") {
    const std::string dir = temp_path("convert_target");
    fs::create_directories(dir);
    io::testing::write_bytes(dir + "/notes.txt", "mine");
    CHECK_THROWS_WITH(distill::convert_legacy_run(legacy_file(), dir, false), Catch::Contains("output exists"));
    CHECK_THROWS_WITH(distill::convert_legacy_run(legacy_file(), dir, true),
                      Catch::Contains("--force replaces only an lskd run directory"));
    CHECK(io::testing::read_bytes(dir + "/notes.txt") == "mine");
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);

    const std::string run = temp_path("convert_over_run");
    distill::convert_legacy_run(legacy_file(), run, false);
    io::testing::write_bytes(run + "/notes.txt", "mine");
    CHECK_THROWS_WITH(distill::convert_legacy_run(legacy_file(), run, false), Catch::Contains("output exists"));
    distill::convert_legacy_run(legacy_file(), run, true);
    CHECK(distill::load_run(run).epochs_done == 2);
    CHECK(io::testing::read_bytes(run + "/notes.txt") == "mine");
}

TEST_CASE("convert-run refuses what is not an lskd-run/2 file, writing nothing", "[distill][legacy]") {
    const std::string text = temp_path("convert_text.h5");
    std::ofstream(text) << "not hdf5";
    const std::string out = temp_path("convert_none");
    CHECK_THROWS_WITH(distill::convert_legacy_run(text, out, false), Catch::Contains(text));
    const std::string other = temp_path("convert_other.h5");
    { io::H5File::create(other).close(); }
    CHECK_THROWS_WITH(distill::convert_legacy_run(other, out, false),
                      Catch::Contains("not a run file of an earlier lskd"));
    CHECK_THROWS_WITH(distill::convert_legacy_run(temp_path("convert_missing.h5"), out, false),
                      Catch::Contains("no such file"));
    CHECK_FALSE(fs::exists(out));
}

TEST_CASE("every reader of a run given an lskd-run/2 file names the conversion command", "[distill][legacy]") {
    const std::string command = "lskd convert-run " + legacy_file();
    CHECK_THROWS_WITH(distill::read_run_header(legacy_file()), Catch::Contains(command));
    CHECK_THROWS_WITH(distill::load_run(legacy_file()), Catch::Contains(command));
    distill::RunConfig student = small_student_config(temp_path("legacy_student"), legacy_file());
    CHECK_THROWS_WITH(distill::check_teacher_run(legacy_file(), student), Catch::Contains(command));
    CHECK_THROWS_WITH(distill::distill_student(student, small_dataset(), quiet(), {}), Catch::Contains(command));
}
