// A small real run for the distill tests: a 600-example stratified subset of Fashion-MNIST (installed by the
// set-up script), a one-hidden-layer MLP, and temporary output paths.
#pragma once
#include <filesystem>
#include <string>

#include "distill/trainer.hpp"
#include "tests/test_dir.hpp"

namespace lskd::testing {

inline distill::RunConfig small_run_config(const std::string& output) {
    distill::RunConfig c;
    c.model = "mlp";
    c.hidden = {32};
    c.max_train = 600;
    c.max_test = 300;
    c.val_size = 200;
    c.epochs = 3;
    c.batch = 64;
    c.lr = 0.05;
    c.threads = 1;
    c.record_per_class = 5;
    c.output = output;
    return c;
}

inline const data::Dataset& small_dataset() {
    static const data::Dataset d = distill::load_run_dataset(small_run_config(""));
    return d;
}

inline std::string temp_path(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / lskd::testing::process_test_dir();
    std::filesystem::create_directories(dir);
    const auto path = dir / name;
    std::filesystem::remove_all(path);  // a run directory of an earlier test
    return path.string();
}

inline distill::TrainOptions quiet() {
    distill::TrainOptions o;
    o.quiet = true;
    return o;
}

}  // namespace lskd::testing
