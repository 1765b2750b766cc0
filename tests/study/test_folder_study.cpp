// lskd study end to end on a generated one-tree image folder (3 classes, PNG and JPEG): with `lskd study folder` every
// run trains on the decoded 32×32 images through the study's image cache, the teachers are analysed with the folder's
// class names, and the report states where the splits came from and what the scan left out; with a config file of
// image-stream runs nothing is decoded up front and the study still ends in its claims.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "framework/io/h5_file.hpp"
#include "study/study.hpp"
#include "study/sweep_config.hpp"
#include "tests/data/fixtures.hpp"
#include "tests/data/folder_fixtures.hpp"
#include "tests/test_dir.hpp"

using namespace lskd;
namespace fs = std::filesystem;

namespace {

std::string read_report(const fs::path& dir) {
    std::ifstream in(dir / "report.md");
    std::stringstream report;
    report << in.rdbuf();
    return report.str();
}

fs::path study_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / lskd::testing::process_test_dir() / name;
    fs::remove_all(dir);
    return dir;
}

}  // namespace

TEST_CASE("study folder runs end to end on a generated folder", "[study][folder][slow]") {
    const data::testing::TempDir images;
    data::testing::FolderFixture f;
    f.per_class = 20;
    data::testing::write_image_tree(images.path(), f);
    fs::create_directories(images.path() / ".ipynb_checkpoints");

    study::SweepConfig c = study::study_config("folder");
    c.seeds = {1};
    c.parallel = 1;
    c.distill = {{{0.0}, {1.0, 2.0}}};
    c.baseline_alphas = {0.0};
    for (distill::RunConfig* r : {&c.teacher, &c.student}) {
        r->data_dir = images.path().string();
        r->val_size = 15;
        r->test_size = 15;
        r->max_train = 0;
        r->epochs = 1;
        r->batch = 12;
        r->record_per_class = 3;
        if (r == &c.student) continue;  // students estimate no MI
        r->mi_examples = 10;
        r->mi_views = 2;
    }
    c.teacher_alphas = {0.0, 0.2};
    const fs::path dir = study_dir("folder-study");
    study::StudyOptions options;
    options.out = dir.string();
    options.quiet = true;
    const auto result = study::run_study(c, "folder", options);
    CHECK(result.trained == 5);  // 2 teachers, 2 students of the α = 0 teacher, 1 baseline

    // One cache file per split, written by the sweep's first load and read by every run.
    std::size_t cached = 0;
    for (const auto& e : fs::directory_iterator(dir / "cache" / "images")) cached += e.path().extension() == ".h5";
    CHECK(cached == 3);
    const distill::RunHeader teacher = distill::read_run_header((dir / "runs" / "teacher_lenet_a0_s1").string());
    CHECK(teacher.class_names == f.classes);
    CHECK(teacher.input.height == 32);
    CHECK(teacher.input.channels == 3);
    REQUIRE(teacher.folder.has_value());
    CHECK(teacher.folder->scan.hidden_folders == 1);
    CHECK(teacher.folder->bad_images == 0);

    CHECK_THAT(read_report(dir),
               Catch::Contains("- image folder: one tree split by seed: 15 test, 15 validation and 30 "
                               "training images; 0 undecodable image(s) left out") &&
                   Catch::Contains("1 hidden folder(s)"));
    const io::H5File projection =
        io::H5File::open_read((dir / "runs" / "teacher_lenet_a0_s1" / "analyses" / "projection.h5").string());
    CHECK(projection.attr_strings("/", "class_names") == f.classes);
    const io::H5File mi = io::H5File::open_read((dir / "runs" / "teacher_lenet_a0_s1" / "analyses" / "mi.h5").string());
    CHECK(mi.attr_strings("/", "class_names") == std::vector<std::string>{"cat", "dog"});
}

TEST_CASE("a study of image-stream runs on a generated folder ends in its claims", "[study][folder][slow]") {
    const data::testing::TempDir images;
    data::testing::FolderFixture f;
    f.per_class = 20;
    data::testing::write_image_tree(images.path(), f);
    const fs::path dir = study_dir("stream-study");
    const std::string recipe =
        "image-size: 16, image-stream: true, augment: true, val-size: 15, test-size: 15, epochs: 1, batch: 12, "
        "record-per-class: 3, threads: 1";
    const fs::path config = images.path().parent_path() / (images.path().filename().string() + "-study.yaml");
    std::ofstream(config) << "output: " << dir.string() << "\ndataset: folder\ndata-dir: " << images.path().string()
                          << "\nseeds: [1]\nteacher:\n  model: mlp\n  alphas: [0, 0.2]\n  recipe: {hidden: [16], "
                          << recipe << ", mi-examples: 10, mi-views: 2}\nstudent:\n  model: mlp\n  recipe: {hidden: "
                          << "[8], " << recipe << "}\ndistill: [{teacher-alpha: 0, temperatures: [1, 2]}]\n"
                          << "baselines: {alphas: [0]}\nparallel: 1\n";
    study::StudyOptions options;
    options.quiet = true;
    const auto result = study::run_study(study::study_config(config.string()), config.string(), options);
    fs::remove(config);
    CHECK(result.trained == 5);  // 2 teachers, 2 students of the α = 0 teacher, 1 baseline
    CHECK(result.analysed);
    CHECK_FALSE(fs::exists(dir / "cache" / "images"));  // nothing decoded to keep
    const distill::RunHeader teacher = distill::read_run_header((dir / "runs" / "teacher_mlp_a0_s1").string());
    REQUIRE(teacher.folder.has_value());
    CHECK(teacher.folder->streamed);
    CHECK(teacher.config.image_stream);
    CHECK(teacher.class_names == f.classes);
    for (const char* name : {"calibration", "projection", "mi", "erasure"})
        CHECK(fs::is_regular_file(distill::RunDirectory((dir / "runs" / "teacher_mlp_a0_s1").string()).analysis(name)));

    const std::string report = read_report(dir);
    CHECK_THAT(report, Catch::Contains("streamed from the files batch by batch (image-stream)"));
    CHECK_THAT(report, Catch::Contains("## Claims") &&
                           Catch::Contains("| id | claim | source | verdict | deciding numbers (95 % intervals) |"));
    // At least one claim row after the table's header.
    const std::size_t claims = report.find("|---|---|---|---|---|---|---|", report.find("## Claims"));
    REQUIRE(claims != std::string::npos);
    CHECK(report.compare(report.find('\n', claims) + 1, 3, "| M") == 0);
}
