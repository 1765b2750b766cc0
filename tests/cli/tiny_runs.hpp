// Tiny inputs for the command-line tests: a synthetic 28x28 ten-class data set in the Fashion-MNIST IDX layout
// (400 training and 100 test images), the common flags of a one-epoch run on it with a 16-unit MLP, and a sweep file
// of such teachers.
#pragma once
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tests/cli/cli_runner.hpp"
#include "tests/data/fixtures.hpp"

namespace lskd::testing {

// The data folder, written once per test process.
inline const std::string& tiny_data_dir() {
    static const std::string dir = [] {
        const auto d = cli_temp_dir("tiny_data");
        data::testing::write_idx_dir(d, data::testing::synthetic_set(400, 28, 28, 1, 10, 1),
                                     data::testing::synthetic_set(100, 28, 28, 1, 10, 2), false);
        return d.string();
    }();
    return dir;
}

// The data and recipe flags of `lskd train` and `lskd distill` on the tiny data set.
inline std::vector<std::string> tiny_run_flags() {
    std::vector<std::string> flags = words_of(
        "--dataset fashion-mnist --val-size 100 --model mlp --hidden 16 --epochs 1 --batch 50 --record-per-class 4 "
        "--threads 1");
    flags.insert(flags.end(), {"--data-dir", tiny_data_dir()});
    return flags;
}

// `lskd <command> <tiny run flags> <extra>`.
inline std::vector<std::string> tiny_run_args(const std::string& command, const std::vector<std::string>& extra) {
    std::vector<std::string> args{command};
    const std::vector<std::string> flags = tiny_run_flags();
    args.insert(args.end(), flags.begin(), flags.end());
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

// `dir`/sweep.yaml: one-epoch 16-unit MLP teachers at `alphas` (a YAML list, "[0]"), seed 1, writing `dir`/sweep;
// its data directory comes from --data-dir.
inline std::filesystem::path tiny_sweep_file(const std::filesystem::path& dir, const std::string& alphas = "[0]") {
    const std::filesystem::path file = dir / "sweep.yaml";
    std::ofstream(file) << fmt::format(R"(
output: {}
dataset: fashion-mnist
seeds: [1]
teacher: {{model: mlp, alphas: {}, recipe: {{hidden: [16], epochs: 1, batch: 50, val-size: 100, threads: 1,
                                          record-per-class: 4}}}}
student: {{model: mlp}}
)",
                                       (dir / "sweep").string(), alphas);
    return file;
}

}  // namespace lskd::testing
