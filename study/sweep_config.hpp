// The sweep file of lskd sweep: teachers × students × seeds plus student baselines, and the directory they go
// to. Every key is checked: an unknown or duplicate key, an empty list or a bad value is an Error naming the file
// and key.
// Format (configs/README.md):
//   output: runs/quick            # directory of the runs and summary.{h5,csv}
//   dataset: fashion-mnist        # data-dir: optional
//   precision: bf16               # optional: every run's compute precision (f32 unless a recipe says)
//   seeds: [1]
//   teacher:  {model: mlp-1200, alphas: [0, 0.1], recipe: {epochs: 3, ...}}   # recipe: lskd train config keys
//             alpha-recipes: [{alpha: 0, recipe: {dropout: 0.5}}]   # optional: extra keys for the teachers of one α
//   teacher:  {logits: teacher_logits.h5}   # or: an external teacher (docs/teacher-logits.md), nothing trained;
//             its distill entries are {temperatures: [...]} without teacher-alpha
//   student:  {model: mlp-800, loss: muller, beta: 1, recipe: {...}}           # beta optional (form default)
//   distill:  [{teacher-alpha: 0, temperatures: [1, 2]}, {teacher-alpha: [0.1], temperatures: [1]}]
//   baselines: {alphas: [0, 0.1]} # students trained with label smoothing, no teacher
//   parallel: 1                   # runs at once, as child processes
//   data-subset: per-seed         # or fixed: every replicate trains on the same data (the default per-seed draws
//                                 # each replicate's validation split and subsets from its seed)
//   design-seeds: [1, 2, 3]       # optional: the seeds the design was chosen on, named by the report
// Overrides from the command line (lskd sweep|study --data-dir DIR --set key.path=value) change the parsed tree
// before it is read, so they are checked exactly as the file's own keys, and an error names the override.
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

// Command-line changes to a sweep file: `data_dir` sets its data-dir key (it must be a directory), then each of
// `sets`, "key.path=value", sets one key of the tree (mapping keys, or list positions 0, 1, …, joined by '.') to a
// YAML value: a scalar or a flow sequence such as [1, 2].
struct SweepOverrides {
    std::string data_dir;
    std::vector<std::string> sets;
};

struct SweepConfig {
    std::string source;                  // the file it came from, for messages
    std::vector<std::string> overrides;  // as given: "--data-dir DIR", "--set key=value", in the order applied
    std::string output;
    std::vector<std::uint64_t> seeds;
    std::string data_subset = "per-seed";     // per-seed | fixed
    std::vector<std::uint64_t> design_seeds;  // the seeds the design was chosen on (empty: not stated)
    distill::RunConfig teacher;  // model, data and recipe of every teacher; smoothing and seed are set per run
    std::vector<double> teacher_alphas;
    std::string teacher_logits;  // an external teacher's logits file (teacher.logits): no teacher runs, no alphas
    std::map<double, distill::RunConfig> teacher_by_alpha;  // teachers of an α with extra recipe keys (alpha-recipes)
    distill::RunConfig student;  // model, data, recipe, loss and β of every student and baseline
    std::vector<DistillPairs> distill;
    std::vector<double> baseline_alphas;
    int parallel = 1;
};

SweepConfig parse_sweep_config(const std::string& text, const std::string& source,
                               const SweepOverrides& overrides = {});
SweepConfig load_sweep_config(const std::string& path, const SweepOverrides& overrides = {});

}  // namespace lskd::study
