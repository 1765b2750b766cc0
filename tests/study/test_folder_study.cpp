// lskd study folder end to end on a generated one-tree image folder (3 classes, PNG and JPEG): every run trains on
// the decoded 32×32 images through the study's image cache, the teachers are analysed with the folder's class names,
// and the report states where the splits came from and what the scan left out.
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
    const fs::path dir = fs::temp_directory_path() / lskd::testing::process_test_dir() / "folder-study";
    fs::remove_all(dir);
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

    std::ifstream in(dir / "report.md");
    std::stringstream report;
    report << in.rdbuf();
    CHECK_THAT(report.str(), Catch::Contains("- image folder: one tree split by seed: 15 test, 15 validation and 30 "
                                             "training images; 0 undecodable image(s) left out") &&
                                 Catch::Contains("1 hidden folder(s)"));
    const io::H5File projection =
        io::H5File::open_read((dir / "runs" / "teacher_lenet_a0_s1" / "analyses" / "projection.h5").string());
    CHECK(projection.attr_strings("/", "class_names") == f.classes);
    const io::H5File mi = io::H5File::open_read((dir / "runs" / "teacher_lenet_a0_s1" / "analyses" / "mi.h5").string());
    CHECK(mi.attr_strings("/", "class_names") == std::vector<std::string>{"cat", "dog"});
}
