// The sweep file of lskd sweep: teachers × students × seeds plus student baselines, and the directory they go
// to. Every key is checked: an unknown or duplicate key, an empty list or a bad value is an Error naming the file
// and key.
// Format (configs/README.md):
//   output: runs/quick            # directory of the run files and summary.{h5,csv}
//   dataset: fashion-mnist        # data-dir: optional
//   seeds: [1]
//   teacher:  {model: mlp-1200, alphas: [0, 0.1], recipe: {epochs: 3, ...}}   # recipe: lskd train config keys
//             alpha-recipes: [{alpha: 0, recipe: {dropout: 0.5}}]   # optional: extra keys for the teachers of one α
//   student:  {model: mlp-800, loss: muller, beta: 1, recipe: {...}}           # beta optional (form default)
//   distill:  [{teacher-alpha: 0, temperatures: [1, 2]}, {teacher-alpha: [0.1], temperatures: [1]}]
//   baselines: {alphas: [0, 0.1]} # students trained with label smoothing, no teacher
//   parallel: 1                   # runs at once, as child processes
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "distill/run_config.hpp"

namespace lskd::study {

// Which students to distil: every teacher α listed here at every temperature listed here.
struct DistillPairs {
    std::vector<double> teacher_alphas;
    std::vector<double> temperatures;
};

struct SweepConfig {
    std::string source;  // the file it came from, for messages
    std::string output;
    std::vector<std::uint64_t> seeds;
    distill::RunConfig teacher;  // model, data and recipe of every teacher; smoothing and seed are set per run
    std::vector<double> teacher_alphas;
    std::map<double, distill::RunConfig> teacher_by_alpha;  // teachers of an α with extra recipe keys (alpha-recipes)
    distill::RunConfig student;  // model, data, recipe, loss and β of every student and baseline
    std::vector<DistillPairs> distill;
    std::vector<double> baseline_alphas;
    int parallel = 1;
};

SweepConfig parse_sweep_config(const std::string& text, const std::string& source);
SweepConfig load_sweep_config(const std::string& path);

}  // namespace lskd::study
