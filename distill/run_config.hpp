// RunConfig: every setting of one training run (teacher, student or baseline). One table of fields drives
// the YAML config, the command-line flags (which override it) and the effective config stored with a run,
// so the three can never disagree.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace lskd::distill {

struct RunConfig {
    // model and data
    std::string model = "mlp-1200";
    std::vector<std::int64_t> hidden;  // for model "mlp"
    std::string dataset = "fashion-mnist";
    std::string data_dir;  // empty: the data set's default directory
    std::int64_t val_size = 10000;
    std::int64_t max_train = 0;  // 0: all; else a stratified subset of the training split
    std::int64_t max_test = 0;
    // image folders (dataset folder) only: docs/data.md
    std::int64_t image_size = 32;   // S: images are stored S×S (Resize(image-resize) + CenterCrop(S))
    std::int64_t image_resize = 0;  // the short side before the centre crop; 0: S
    std::string image_cache;        // directory of the decoded images' HDF5 cache; empty: decode every time
    bool skip_bad_images = false;   // leave undecodable files out (counted) instead of failing
    bool image_stream = false;      // decode batch by batch from the files, never the whole folder up front
    // targets
    double smoothing = 0.0;  // α: targets (1−α)·onehot + α/K
    // optimisation
    std::int64_t epochs = 3;
    std::int64_t batch = 128;
    double lr = 0.01;
    std::string optimizer = "sgd";                 // sgd | adamw
    double momentum = 0.9;                         // sgd
    bool nesterov = false;                         // sgd
    std::array<double, 2> adam_betas{0.9, 0.999};  // adamw
    double adam_eps = 1e-8;                        // adamw
    double weight_decay = 0.0;                     // sgd: L2 added to the gradient; adamw: decoupled
    bool decay_biases = true;
    std::string schedule = "constant";     // constant | multi_step | cosine | linear | inverse-sqrt
    std::vector<std::int64_t> milestones;  // epochs, for multi_step
    double lr_gamma = 0.1;                 // multi_step factor
    std::int64_t warmup = 0;               // updates, for inverse-sqrt
    double clip_norm = 0.0;                // 0: no clipping
    double dropout = 0.0;
    // augmentation
    bool augment = false;
    std::int64_t shift = -1;  // -1: the data set's default
    int hflip = -1;           // -1: the data set's default, 0 off, 1 on
    // run
    std::uint64_t seed = 1;
    // Draws the validation split and the max-train/max-test subsets; -1: the fixed data seed, the same data for
    // every run whatever its seed (a sweep sets it to the run's seed, so a replicate includes its data).
    std::int64_t data_seed = -1;
    int threads = 0;                // 0: all hardware threads
    std::string precision = "f32";  // f32 | bf16: convolutions, inner products, matmuls (distill/run_precision.hpp)
    std::string output;
    // records and analyses during training
    std::int64_t record_every = 0;  // 0: last epoch only
    std::int64_t eval_every = 1;    // validation and test after epochs divisible by it and after the last
    std::int64_t record_per_class = 100;
    std::int64_t mi_every = 0;  // 0: no MI during training
    std::int64_t mi_early = 0;  // epoch metrics at this many steps spread through the first epoch
    std::string mi_classes;     // two class names or indices, "a,b"; empty: the data set's default
    std::int64_t mi_examples = 600;
    std::int64_t mi_views = 5;
    std::string mi_augment = "shift-flip";  // the MI probe's views: training | shift | shift-flip
    // distillation (students only)
    std::string teacher;  // teacher run directory; empty: no teacher
    double temperature = 1.0;
    double beta = -1.0;           // -1: the loss form's default
    std::string loss = "muller";  // muller | hinton | logit-mse
    // sequence data sets (cmudict, gettext-de, tsv) only: docs/method.md §15
    std::int64_t test_size = 2000;  // test examples carved by the seed (sequence sets and one-tree image folders)
    std::string source_vocab;       // char | symbol | sentencepiece; empty: the data set's own
    std::string target_vocab;
    std::int64_t subwords = 4000;         // sentencepiece vocabulary size per side
    std::int64_t beam = 5;                // the test split's decodes at the last epoch (1: greedy)
    std::string length_norm = "fairseq";  // none | fairseq (score/|Y|^a) | gnmt (((5+|Y|)/6)^a)
    double length_alpha = 1.0;            // a
    // students of sequence runs: word (Hinton's or Müller's form per token, on gold prefixes) or sequence (Kim & Rush
    // 2016: the training targets are the teacher's beam outputs, learnt by plain cross-entropy)
    std::string kd_level = "word";
};

// Why a field that is set has no effect on a run of this config, with a teacher (a run file or a table of logits,
// which the config does not name) or without; nothing when it has one.
using InertRule = std::function<std::optional<std::string>(const RunConfig& config, bool teacher)>;

struct ConfigField {
    std::string key;
    std::string help;
    // The value's kind in --help: INT, FLOAT, BOOL, TEXT, INT,... (a comma-separated list) or FLOAT,FLOAT (a pair).
    std::string type;
    std::function<void(RunConfig&, const std::string&)> parse;  // throws lskd::Error naming key and value
    std::function<std::string(const RunConfig&)> print;
    // Every field decides: a run records every field, so one that is set (printed unlike RunConfig{}'s) where it
    // has no effect would be a recorded but ignored setting. validate refuses it with this reason.
    InertRule inert;
};

// The limits of what a config may hold, checked as it is parsed.
inline constexpr std::size_t kMaxTextBytes = 4096;           // a path, a name, a list of classes
inline constexpr std::size_t kMaxListItems = 1000;           // hidden, milestones, a sweep's lists
inline constexpr std::size_t kMaxConfigFileBytes = 1 << 20;  // a config or sweep file
inline constexpr int kMaxYamlDepth = 64;                     // nesting of mappings and lists

const std::vector<ConfigField>& config_fields();
const ConfigField* find_config_field(const std::string& key);

// Applies a YAML mapping of field keys; an unknown key or a bad value is an Error naming `source`.
void apply_yaml_file(RunConfig& config, const std::string& path);
void apply_yaml_text(RunConfig& config, const std::string& text, const std::string& source);
// The text of a config or sweep file at `path`, refused when larger than kMaxConfigFileBytes.
std::string read_config_text(const std::string& path, const char* what);
// Refuses YAML text nested more than kMaxYamlDepth levels deep (block indentation, "- " items and flow brackets),
// before yaml-cpp, which recurses, parses it. The Error names `source` and the line.
void check_yaml_depth(const std::string& text, const std::string& source);
// yaml-cpp keeps every duplicate key of a mapping and lookups see only one of them; this makes any duplicate,
// at any depth, an Error naming `source`, the key and the lines of both.
void check_unique_keys(const YAML::Node& node, const std::string& source);
// The effective config as YAML, every field, in table order.
std::string to_yaml(const RunConfig& config);
// The checks that need no data, run as soon as a config is resolved: every number finite and in its range
// (α in [0, 1), lr > 0, T > 0, β in [0, 1], shift -1 or >= 0, hflip in {-1, 0, 1}, threads in [0, hardware
// threads], a seed that fits the run file's int64, Adam's betas in [0, 1) and eps > 0, a warmup > 0 for inverse-sqrt),
// known names, and no field set where it has no effect (the table's inert rules; `teacher`: the run has a teacher).
// Each Error names the key and the value.
void validate(const RunConfig& config, bool teacher);
// validate(config, teacher named by config.teacher).
void validate(const RunConfig& config);
// The largest --threads: the hardware thread count (1 where the platform does not tell).
int max_threads();

}  // namespace lskd::distill
