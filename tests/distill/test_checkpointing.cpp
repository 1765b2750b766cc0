#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "distill/checkpointing.hpp"
#include "framework/core/error.hpp"
#include "framework/optim/sgd.hpp"
#include "tests/distill/run_fixture.hpp"

using namespace lskd;
namespace fs = std::filesystem;

namespace {

void touch(const std::string& path) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << "x";
}

std::vector<std::string> files_in(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir).string());
    std::sort(out.begin(), out.end());
    return out;
}

std::size_t lines_of(const std::string& path) {
    std::ifstream in(path);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
}

}  // namespace

TEST_CASE("an epoch's records, outputs and metrics.csv are written before its checkpoint", "[distill][checkpointing]") {
    distill::RunConfig config = testing::small_run_config(testing::temp_path("order_run"));
    config.epochs = 2;
    distill::train(config, testing::small_dataset(), testing::quiet());
    const distill::RunDirectory run(config.output);
    distill::RunContents contents = distill::load_run(run.dir());
    auto model = distill::load_model(contents);
    optim::SgdOptions sgd_options;
    sgd_options.lr = contents.config.lr;
    optim::SGD sgd(model->named_parameters(), sgd_options);
    for (auto& [name, values] : contents.metrics) values.push_back(values.back());

    std::vector<std::string> order;
    const auto seen_by = [&](const char* part) {
        return [&order, &run, part](io::BackgroundCommits*) {
            // The checkpoint still holds the previous epoch: a kill here leaves a run that resumes from it.
            CHECK(distill::read_run_header(run.dir()).epochs_done == 2);
            order.push_back(part);
        };
    };
    // metrics.csv cannot be replaced by a directory: its write fails, and the checkpoint, written last, is not
    // written at all, so the run still resumes from epoch 2 and nothing can lag behind a complete checkpoint.
    fs::remove(run.metrics_csv());
    fs::create_directories(fs::path(run.metrics_csv()) / "blocked");
    CHECK_THROWS_AS(distill::write_epoch_files(run, {seen_by("records"), seen_by("outputs")}, 3, true, contents, *model,
                                               distill::head_templates(*model), sgd),
                    std::exception);
    CHECK(order == std::vector<std::string>{"records", "outputs"});
    const distill::RunHeader header = distill::read_run_header(run.dir());
    CHECK(header.epochs_done == 2);
    CHECK(header.complete);  // the two-epoch run as it was

    fs::remove_all(run.metrics_csv());
    distill::write_epoch_files(run, {}, 3, true, contents, *model, distill::head_templates(*model), sgd);
    CHECK(lines_of(run.metrics_csv()) == 1 + 3);
    CHECK(distill::read_run_header(run.dir()).epochs_done == 3);
}

TEST_CASE("a resume removes the records its checkpoint does not cover, and the outputs and analyses",
          "[distill][checkpointing]") {
    const distill::RunDirectory run(testing::temp_path("stale_run"));
    for (const std::string& f : {run.record("train", 1), run.record("train", 3), run.record("test", 2),
                                 run.outputs("test"), run.analysis("calibration"), run.checkpoint()})
        touch(f);
    distill::remove_stale_parts(run, 2);
    CHECK(files_in(run.dir()) ==
          std::vector<std::string>{"checkpoint.h5", "records/test_epoch_2.h5", "records/train_epoch_1.h5"});
}

TEST_CASE("a fresh start removes lskd's files of an earlier run and only those", "[distill][checkpointing]") {
    const distill::RunDirectory run(testing::temp_path("fresh_run"));
    for (const std::string& f : {run.record("val", 4), run.outputs("val"), run.analysis("mi"), run.checkpoint(),
                                 run.metrics_csv(), run.dir() + "/notes.txt"})
        touch(f);
    distill::remove_run_files(run);
    CHECK(files_in(run.dir()) == std::vector<std::string>{"notes.txt"});
}

TEST_CASE("a resume continues the stored config, further if asked, and refuses a complete run",
          "[distill][checkpointing]") {
    distill::RunConfig config = testing::small_run_config(testing::temp_path("resume_run"));
    config.epochs = 2;
    config.smoothing = 0.2;
    distill::train(config, testing::small_dataset(), testing::quiet());

    CHECK_THROWS_WITH(distill::read_resumable_run(config.output, 2), Catch::Contains("the run is already complete"));
    const distill::RunContents run = distill::read_resumable_run(config.output, 4);
    CHECK(run.epochs_done == 2);

    distill::RunConfig asked = testing::small_run_config("elsewhere");
    asked.epochs = 4;
    const distill::RunConfig resumed = distill::resumed_config(run, asked, config.output);
    CHECK(resumed.smoothing == 0.2);
    CHECK(resumed.epochs == 4);
    CHECK(resumed.output == config.output);
    asked.epochs = 1;
    CHECK(distill::resumed_config(run, asked, config.output).epochs == 2);
}
