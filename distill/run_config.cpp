#include "distill/run_config.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string_view>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include "distill/loss_forms.hpp"
#include "framework/core/error.hpp"
#include "framework/data/sequence_dataset.hpp"
#include "framework/io/file_kind.hpp"
#include "models/model_registry.hpp"

namespace lskd::distill {
namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

template <typename T>
T parse_number(const std::string& key, const std::string& text) {
    const std::string t = trim(text);
    T value{};
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (ec != std::errc() || end != t.data() + t.size() || t.empty())
        fail("config key '{}': '{}' is not a valid {}", key, text, std::is_integral_v<T> ? "integer" : "number");
    return value;
}

bool parse_bool(const std::string& key, const std::string& text) {
    const std::string t = trim(text);
    if (t == "true" || t == "1" || t == "yes" || t == "on") return true;
    if (t == "false" || t == "0" || t == "no" || t == "off") return false;
    fail("config key '{}': '{}' is not true or false", key, text);
}

std::vector<std::int64_t> parse_int_list(const std::string& key, const std::string& text) {
    std::vector<std::int64_t> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!trim(item).empty()) {
            if (out.size() == kMaxListItems) fail("config key '{}': more than {} items", key, kMaxListItems);
            out.push_back(parse_number<std::int64_t>(key, item));
        }
    return out;
}

std::array<double, 2> parse_pair(const std::string& key, const std::string& text) {
    const std::size_t comma = text.find(',');
    if (comma == std::string::npos || text.find(',', comma + 1) != std::string::npos)
        fail("config key '{}': '{}' is not two numbers 'a,b'", key, text);
    return {parse_number<double>(key, text.substr(0, comma)), parse_number<double>(key, text.substr(comma + 1))};
}

// Values longer than any path or name are refused as they are read, before they are stored or trained with.
std::string parse_text(const std::string& key, const std::string& text) {
    if (text.size() > kMaxTextBytes)
        fail("config key '{}': the value is {} bytes long; at most {} are allowed", key, text.size(), kMaxTextBytes);
    return trim(text);
}

template <typename T>
ConfigField number_field(std::string key, std::string help, T RunConfig::*member, InertRule inert) {
    return {key,
            std::move(help),
            std::is_integral_v<T> ? "INT" : "FLOAT",
            [member, key](RunConfig& c, const std::string& v) { c.*member = parse_number<T>(key, v); },
            [member](const RunConfig& c) { return fmt::format("{}", c.*member); },
            std::move(inert)};
}

ConfigField string_field(std::string key, std::string help, std::string RunConfig::*member, InertRule inert) {
    return {key,
            std::move(help),
            "TEXT",
            [member, key](RunConfig& c, const std::string& v) { c.*member = parse_text(key, v); },
            [member](const RunConfig& c) { return c.*member; },
            std::move(inert)};
}

ConfigField bool_field(std::string key, std::string help, bool RunConfig::*member, InertRule inert) {
    return {key,
            std::move(help),
            "BOOL",
            [member, key](RunConfig& c, const std::string& v) { c.*member = parse_bool(key, v); },
            [member](const RunConfig& c) { return std::string(c.*member ? "true" : "false"); },
            std::move(inert)};
}

ConfigField list_field(std::string key, std::string help, std::vector<std::int64_t> RunConfig::*member,
                       InertRule inert) {
    return {key,
            std::move(help),
            "INT,...",
            [member, key](RunConfig& c, const std::string& v) { c.*member = parse_int_list(key, v); },
            [member](const RunConfig& c) { return fmt::format("{}", fmt::join(c.*member, ",")); },
            std::move(inert)};
}

ConfigField pair_field(std::string key, std::string help, std::array<double, 2> RunConfig::*member, InertRule inert) {
    return {key,
            std::move(help),
            "FLOAT,FLOAT",
            [member, key](RunConfig& c, const std::string& v) { c.*member = parse_pair(key, v); },
            [member](const RunConfig& c) { return fmt::format("{},{}", (c.*member)[0], (c.*member)[1]); },
            std::move(inert)};
}

// The inert rules. `used`: the field acts on every run.
std::optional<std::string> used(const RunConfig&, bool) { return std::nullopt; }

std::optional<std::string> unless(bool applies, const char* reason) {
    return applies ? std::nullopt : std::optional<std::string>(reason);
}

const models::ModelEntry* model_entry(const std::string& name) {
    for (const models::ModelEntry& e : models::model_table())
        if (e.name == name) return &e;
    return nullptr;
}

// The β a run with a teacher trains with: the loss form's default for -1.
double effective_beta(const RunConfig& c) { return c.beta < 0 ? default_beta(parse_loss_form(c.loss)) : c.beta; }

std::optional<std::string> needs_teacher(const RunConfig&, bool teacher) {
    return unless(teacher, "only a student's loss uses it, and this run has no teacher");
}

std::optional<std::string> hidden_rule(const RunConfig& c, bool) {
    const models::ModelEntry* e = model_entry(c.model);
    return unless(e == nullptr || e->takes_hidden, "the model's layer sizes are fixed (only model 'mlp' reads it)");
}

std::optional<std::string> dropout_rule(const RunConfig& c, bool) {
    const models::ModelEntry* e = model_entry(c.model);
    return unless(e == nullptr || e->takes_dropout, "the model has no dropout (only the mlp models have)");
}

std::optional<std::string> smoothing_rule(const RunConfig& c, bool teacher) {
    return unless(!teacher || effective_beta(c) < 1.0,
                  "with beta 1 the student's loss has no hard-label term, the only one smoothing changes");
}

std::optional<std::string> temperature_rule(const RunConfig& c, bool teacher) {
    if (!teacher) return needs_teacher(c, teacher);
    if (c.loss == "logit-mse") return "the logit-mse loss matches logits, without a temperature";
    return unless(effective_beta(c) > 0.0, "with beta 0 the student's loss has no teacher term");
}

std::optional<std::string> multi_step_only(const RunConfig& c, bool) {
    return unless(c.schedule == "multi_step", "only schedule multi_step reads it");
}

std::optional<std::string> inverse_sqrt_only(const RunConfig& c, bool) {
    return unless(c.schedule == "inverse-sqrt", "only schedule inverse-sqrt reads it");
}

std::optional<std::string> sgd_only(const RunConfig& c, bool) {
    return unless(c.optimizer == "sgd", "only optimizer sgd reads it");
}

std::optional<std::string> adamw_only(const RunConfig& c, bool) {
    return unless(c.optimizer == "adamw", "only optimizer adamw reads it");
}

std::optional<std::string> augment_only(const RunConfig& c, bool) {
    return unless(c.augment, "only augmentation reads it, and augment is false");
}

std::optional<std::string> shift_rule(const RunConfig& c, bool teacher) {
    if (auto reason = augment_only(c, teacher)) return reason;
    return unless(!c.image_stream, "a streamed folder (image-stream) crops by RandomResizedCrop, which has no shift");
}

std::optional<std::string> sequence_only(const RunConfig& c, bool) {
    return unless(data::is_sequence_dataset(c.dataset), "only sequence data sets (cmudict, gettext-de, tsv) read it");
}

std::optional<std::string> sequence_student_only(const RunConfig& c, bool teacher) {
    if (!teacher) return needs_teacher(c, teacher);
    return sequence_only(c, teacher);
}

std::optional<std::string> images_only(const RunConfig& c, bool) {
    return unless(!data::is_sequence_dataset(c.dataset), "sequence data sets have no images to augment or probe");
}

std::optional<std::string> folder_only(const RunConfig& c, bool) {
    return unless(c.dataset == "folder", "only image folders (dataset folder) read it");
}

std::optional<std::string> unstreamed_folder_only(const RunConfig& c, bool teacher) {
    if (auto reason = folder_only(c, teacher)) return reason;
    return unless(!c.image_stream, "a streamed folder (image-stream) decodes from its files and keeps no cache");
}

std::optional<std::string> carved_test_only(const RunConfig& c, bool) {
    return unless(data::is_sequence_dataset(c.dataset) || c.dataset == "folder",
                  "only sequence data sets and image folders carve a test split by seed");
}

// The fields of image folders (docs/data.md, "Image folders").
std::vector<ConfigField> folder_fields() {
    using C = RunConfig;
    return {
        number_field("image-size", "image folders: side S of the stored square images", &C::image_size, folder_only),
        number_field("image-resize", "image folders: short side before the centre crop to S (0: S)", &C::image_resize,
                     folder_only),
        string_field("image-cache", "image folders: directory of the decoded images' cache (empty: none)",
                     &C::image_cache, unstreamed_folder_only),
        bool_field("skip-bad-images", "image folders: leave undecodable files out, counted, instead of failing",
                   &C::skip_bad_images, folder_only),
        bool_field("image-stream",
                   "image folders: decode each batch from the files (RandomResizedCrop training views, ImageNet's "
                   "normalisation) instead of holding every image in memory",
                   &C::image_stream, folder_only),
    };
}

std::optional<std::string> mi_every_only(const RunConfig& c, bool) {
    return unless(c.mi_every > 0, "only the MI estimate during training reads it, and mi-every is 0");
}

// The fields of the optimisation: epochs, batch, the optimizer and its settings, the schedule, clipping.
std::vector<ConfigField> optimisation_fields() {
    using C = RunConfig;
    return {
        number_field("epochs", "training epochs", &C::epochs, used),
        number_field("batch", "batch size", &C::batch, used),
        number_field("lr", "base learning rate", &C::lr, used),
        string_field("optimizer", "optimizer (sgd, adamw)", &C::optimizer, used),
        number_field("momentum", "SGD momentum", &C::momentum, sgd_only),
        bool_field("nesterov", "Nesterov momentum", &C::nesterov,
                   [](const C& c, bool t) {
                       if (auto reason = sgd_only(c, t)) return reason;
                       return unless(c.momentum > 0, "Nesterov's step needs momentum > 0");
                   }),
        pair_field("adam-betas", "AdamW's beta1,beta2", &C::adam_betas, adamw_only),
        number_field("adam-eps", "AdamW's eps, added to the root of the second moment", &C::adam_eps, adamw_only),
        number_field("weight-decay", "weight decay (sgd: L2 added to the gradient; adamw: decoupled, p -= lr*wd*p)",
                     &C::weight_decay, used),
        bool_field("decay-biases", "apply weight decay to biases and batch-norm parameters", &C::decay_biases,
                   [](const C& c, bool) { return unless(c.weight_decay > 0, "there is no weight decay to apply"); }),
        string_field("schedule", "learning-rate schedule (constant, multi_step, cosine, linear, inverse-sqrt)",
                     &C::schedule, used),
        list_field("milestones", "epochs at which multi_step multiplies the rate by lr-gamma", &C::milestones,
                   multi_step_only),
        number_field("lr-gamma", "multi_step factor", &C::lr_gamma, multi_step_only),
        number_field("warmup", "inverse-sqrt's updates of linear warmup from 0 to lr", &C::warmup, inverse_sqrt_only),
        number_field("clip-norm", "global gradient-norm clipping (0: off)", &C::clip_norm, used),
    };
}

// The settings of sequence runs (docs/method.md §15).
std::vector<ConfigField> sequence_fields() {
    using C = RunConfig;
    return {
        number_field("test-size", "test examples carved by the seed from a sequence corpus or a one-tree image folder",
                     &C::test_size, carved_test_only),
        string_field("source-vocab", "source vocabulary: char, symbol or sentencepiece (empty: the data set's)",
                     &C::source_vocab, sequence_only),
        string_field("target-vocab", "target vocabulary: char, symbol or sentencepiece (empty: the data set's)",
                     &C::target_vocab, sequence_only),
        number_field("subwords", "sentencepiece vocabulary size per side", &C::subwords, sequence_only),
        number_field("beam", "beam width of the test split's decodes (1: greedy)", &C::beam, sequence_only),
        string_field("length-norm", "length normalisation of beam scores: none, fairseq or gnmt", &C::length_norm,
                     sequence_only),
        number_field("length-alpha", "exponent a of the length normalisation", &C::length_alpha, sequence_only),
        string_field("kd-level",
                     "a sequence student's distillation: word (per token) or sequence (on the teacher's beam outputs)",
                     &C::kd_level, sequence_student_only),
    };
}

std::vector<ConfigField> make_fields() {
    using C = RunConfig;
    std::vector<ConfigField> fields = {
        string_field("model", "model name (" + models::model_name_list() + ")", &C::model, used),
        list_field("hidden", "hidden sizes of model 'mlp', comma-separated", &C::hidden, hidden_rule),
        string_field("dataset", "data set (fashion-mnist, mnist, cifar10, cifar100, idx, folder)", &C::dataset, used),
        string_field("data-dir", "directory of the data set's files", &C::data_dir, used),
        number_field("val-size", "validation examples carved from the training set", &C::val_size, used),
        number_field("max-train", "use a stratified subset of this many training examples (0: all)", &C::max_train,
                     used),
        number_field("max-test", "use a stratified subset of this many test examples (0: all)", &C::max_test,
                     images_only),
        number_field("smoothing", "label smoothing alpha in [0, 1)", &C::smoothing, smoothing_rule),
    };
    for (ConfigField& f : folder_fields()) fields.push_back(std::move(f));
    for (ConfigField& f : optimisation_fields()) fields.push_back(std::move(f));
    std::vector<ConfigField> after = {
        number_field("dropout", "dropout probability before the classifier (mlp models)", &C::dropout, dropout_rule),
        bool_field("augment", "random shift/crop (and flip where enabled) during training", &C::augment, images_only),
        number_field("shift", "augmentation shift in pixels (-1: the data set's default)", &C::shift, shift_rule),
        number_field("hflip", "horizontal flip: 1 on, 0 off, -1 the data set's default", &C::hflip, augment_only),
        number_field("seed", "random seed", &C::seed, used),
        number_field("data-seed",
                     "seed of the validation split and the max-train/max-test subsets (-1: the fixed data seed)",
                     &C::data_seed, used),
        number_field("threads", "threads for oneDNN and TBB (0: all)", &C::threads, used),
        string_field(
            "precision",
            "compute precision of convolutions, inner products and matmuls: f32, or bf16 with f32 accumulation "
            "(needs a CPU with avx512_bf16 or amx_bf16)",
            &C::precision, used),
        string_field("output", "run directory to write", &C::output, used),
        number_field("eval-every", "evaluate validation and test every E epochs and at the last (NaN between)",
                     &C::eval_every, used),
        number_field("record-every", "record activations every E epochs (0: last epoch only)", &C::record_every, used),
        number_field("record-per-class", "recorded examples per class and split", &C::record_per_class, used),
        number_field("mi-every", "estimate mutual information every E epochs (0: never)", &C::mi_every, images_only),
        number_field("mi-early",
                     "also estimate MI at this many steps spaced evenly through the first epoch (with mi-every)",
                     &C::mi_early, mi_every_only),
        // lskd analyze mi (and a study's analyses) read the run's mi-classes and mi-augment, whatever mi-every.
        string_field("mi-classes", "the two classes of the MI estimate, 'a,b' (empty: default pair)", &C::mi_classes,
                     used),
        number_field("mi-examples", "examples of the MI estimate (half from each class)", &C::mi_examples,
                     mi_every_only),
        number_field("mi-views", "augmented views per example for the MI mean", &C::mi_views, mi_every_only),
        string_field("mi-augment",
                     "augmentation of the MI views: training (the run's own), shift, shift-flip (shift + flip)",
                     &C::mi_augment, used),
        string_field("teacher", "teacher run directory (students only)", &C::teacher, used),
        number_field("temperature", "distillation temperature T", &C::temperature, temperature_rule),
        number_field("beta", "weight of the teacher term (-1: the loss form's default)", &C::beta, needs_teacher),
        string_field("loss", "distillation loss form (muller, hinton, logit-mse)", &C::loss, needs_teacher),
    };
    for (ConfigField& f : after) fields.push_back(std::move(f));
    for (ConfigField& f : sequence_fields()) fields.push_back(std::move(f));
    return fields;
}

std::string key_text(const YAML::Node& key, const std::string& source) {
    if (!key.IsScalar()) fail("{}: line {}: a mapping key must be a plain value", source, key.Mark().line + 1);
    return key.Scalar();
}

std::string scalar_text(const YAML::Node& node, const std::string& key, const std::string& source) {
    if (node.IsScalar()) return node.as<std::string>();
    if (node.IsSequence()) {
        std::vector<std::string> items;
        for (const auto& item : node) {
            if (!item.IsScalar()) fail("{}: key '{}' must be a list of numbers", source, key);
            items.push_back(item.as<std::string>());
        }
        return fmt::format("{}", fmt::join(items, ","));
    }
    if (node.IsNull()) return {};
    fail("{}: key '{}' must be a value or a list", source, key);
}

}  // namespace

const std::vector<ConfigField>& config_fields() {
    static const std::vector<ConfigField> fields = make_fields();
    return fields;
}

const ConfigField* find_config_field(const std::string& key) {
    for (const auto& f : config_fields())
        if (f.key == key) return &f;
    return nullptr;
}

void apply_yaml_text(RunConfig& config, const std::string& text, const std::string& source) {
    check_yaml_depth(text, source);
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        fail("{}: not valid YAML: {}", source, e.what());
    }
    if (root.IsNull()) return;
    if (!root.IsMap()) fail("{}: expected a mapping of config keys", source);
    check_unique_keys(root, source);
    for (const auto& kv : root) {
        const std::string key = key_text(kv.first, source);
        const ConfigField* field = find_config_field(key);
        if (field == nullptr) fail("{}: unknown config key '{}'", source, key);
        try {
            field->parse(config, scalar_text(kv.second, key, source));
        } catch (const Error& e) {
            fail("{}: {}", source, e.what());
        }
    }
}

std::string read_config_text(const std::string& path, const char* what) {
    io::check_input_file(path, fmt::format("a {}", what));
    std::ifstream in(path, std::ios::binary);
    if (!in) fail("{}: cannot open the {}", path, what);
    std::string text(kMaxConfigFileBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxConfigFileBytes)
        fail("{}: the {} is larger than {} bytes; a config is a few lines of keys", path, what, kMaxConfigFileBytes);
    return text;
}

void apply_yaml_file(RunConfig& config, const std::string& path) {
    apply_yaml_text(config, read_config_text(path, "config file"), path);
}

// Counted on the text, as yaml-cpp's parser recurses once per level: the indentation levels open on a line, the
// "- " items that begin it, and the flow brackets open, which may span lines. Brackets inside a quoted scalar
// (one whose quote opens a value) and after a comment's '#' are not counted.
void check_yaml_depth(const std::string& text, const std::string& source) {
    std::vector<std::size_t> indents;
    int flow = 0, line_number = 0;
    std::stringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        ++line_number;
        const std::size_t indent = line.find_first_not_of(' ');
        if (indent == std::string::npos || line[indent] == '#') continue;
        int depth = 0;
        if (flow == 0) {
            while (!indents.empty() && indents.back() >= indent) indents.pop_back();
            indents.push_back(indent);
            // A line of "- " items may end in spaces, where the search for the next item finds none (npos).
            for (std::size_t i = indent;
                 i != std::string::npos && i + 1 < line.size() && line[i] == '-' && line[i + 1] == ' ';
                 i = line.find_first_not_of(' ', i + 1))
                ++depth;
        }
        int line_flow = flow;
        char quote = 0, before = ' ';
        for (char ch : line) {
            if (quote != 0) {
                if (ch == quote) quote = 0;
            } else if ((ch == '"' || ch == '\'') &&
                       std::string_view(" \t[{,:-").find(before) != std::string_view::npos) {
                quote = ch;
            } else if (ch == '#' && (before == ' ' || before == '\t')) {
                break;
            } else if (ch == '[' || ch == '{') {
                line_flow = std::max(line_flow, ++flow);
            } else if ((ch == ']' || ch == '}') && flow > 0) {
                --flow;
            }
            before = ch == '\t' ? ' ' : ch;
        }
        depth += static_cast<int>(indents.size()) + line_flow;
        if (depth > kMaxYamlDepth)
            fail("{}: line {}: nested more than {} levels deep", source, line_number, kMaxYamlDepth);
    }
}

void check_unique_keys(const YAML::Node& node, const std::string& source) {
    // An alias repeats its anchor's node, and a chain of aliases would repeat it exponentially often: each node
    // (named by its position in the text) is checked once.
    std::set<int> seen;
    const std::function<void(const YAML::Node&)> check = [&](const YAML::Node& n) {
        if (!(n.IsSequence() || n.IsMap()) || !seen.insert(n.Mark().pos).second) return;
        if (n.IsSequence())
            for (const auto& item : n) check(item);
        if (!n.IsMap()) return;
        std::map<std::string, int> first_line;
        for (const auto& kv : n) {
            const int line = kv.first.Mark().line + 1;
            const auto [first, fresh] = first_line.emplace(key_text(kv.first, source), line);
            if (!fresh) fail("{}: duplicate key '{}' at lines {} and {}", source, first->first, first->second, line);
            check(kv.second);
        }
    };
    check(node);
}

std::string to_yaml(const RunConfig& config) {
    YAML::Emitter out;
    out << YAML::BeginMap;
    for (const auto& f : config_fields()) out << YAML::Key << f.key << YAML::Value << f.print(config);
    out << YAML::EndMap;
    return out.c_str();
}

// mi-early and mi-views: far beyond what an estimate needs, short of a run that never ends.
constexpr std::int64_t kMaxMiPoints = 1000;
// An in-memory folder holds S×S×3 bytes per image: beyond this side it is the streaming pipeline's work.
constexpr std::int64_t kMaxImageSide = 4096;

int max_threads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

void validate(const RunConfig& c) { validate(c, !c.teacher.empty()); }

namespace {

// The optimizer's and the schedule's settings; comparisons are written so that NaN fails them.
void validate_optimisation(const RunConfig& c) {
    if (!(std::isfinite(c.lr) && c.lr > 0.0)) fail("lr must be > 0 and finite, got {}", c.lr);
    if (!(c.momentum >= 0.0 && c.momentum < 1.0)) fail("momentum must be in [0, 1), got {}", c.momentum);
    if (!(std::isfinite(c.weight_decay) && c.weight_decay >= 0.0))
        fail("weight-decay must be >= 0 and finite, got {}", c.weight_decay);
    if (!(std::isfinite(c.lr_gamma) && c.lr_gamma > 0.0)) fail("lr-gamma must be > 0 and finite, got {}", c.lr_gamma);
    if (!(std::isfinite(c.clip_norm) && c.clip_norm >= 0.0))
        fail("clip-norm must be >= 0 and finite, got {}", c.clip_norm);
    if (c.schedule != "constant" && c.schedule != "multi_step" && c.schedule != "cosine" && c.schedule != "linear" &&
        c.schedule != "inverse-sqrt")
        fail("unknown schedule '{}' (expected constant, multi_step, cosine, linear or inverse-sqrt)", c.schedule);
    if (c.warmup < 0) fail("warmup must be >= 0 updates, got {}", c.warmup);
    if (c.schedule == "inverse-sqrt" && c.warmup == 0)
        fail("schedule inverse-sqrt needs its warmup (warmup: updates > 0), got 0");
    if (c.optimizer != "sgd" && c.optimizer != "adamw")
        fail("unknown optimizer '{}' (expected sgd or adamw)", c.optimizer);
    for (const double beta : c.adam_betas)
        if (!(beta >= 0.0 && beta < 1.0)) fail("adam-betas must each be in [0, 1), got {}", beta);
    if (!(std::isfinite(c.adam_eps) && c.adam_eps > 0.0)) fail("adam-eps must be > 0 and finite, got {}", c.adam_eps);
}

// The data's sizes: splits, subsets and an image folder's images.
void validate_data(const RunConfig& c) {
    if (c.val_size < 0 || c.max_train < 0 || c.max_test < 0) fail("val-size, max-train and max-test must be >= 0");
    if (c.data_seed < -1) fail("data-seed must be -1 (the fixed data seed) or >= 0, got {}", c.data_seed);
    if (c.test_size < 0) fail("test-size must be >= 0, got {}", c.test_size);
    if (c.image_size < 1 || c.image_size > kMaxImageSide)
        fail("image-size must be 1 to {} pixels, got {}", kMaxImageSide, c.image_size);
    if (c.image_resize != 0 && (c.image_resize < c.image_size || c.image_resize > kMaxImageSide))
        fail("image-resize must be 0 (image-size) or from image-size ({}) to {} pixels, got {}", c.image_size,
             kMaxImageSide, c.image_resize);
}

// The settings of sequence runs (docs/method.md §15).
void validate_sequence(const RunConfig& c) {
    if (c.beam <= 0) fail("beam must be positive, got {}", c.beam);
    if (c.subwords <= 4) fail("subwords must be more than the 4 special tokens, got {}", c.subwords);
    if (c.length_norm != "none" && c.length_norm != "fairseq" && c.length_norm != "gnmt")
        fail("unknown length-norm '{}' (expected none, fairseq or gnmt)", c.length_norm);
    if (!(std::isfinite(c.length_alpha) && c.length_alpha >= 0.0))
        fail("length-alpha must be >= 0 and finite, got {}", c.length_alpha);
    if (c.kd_level != "word" && c.kd_level != "sequence")
        fail("unknown kd-level '{}' (expected word or sequence)", c.kd_level);
    if (c.kd_level == "sequence" && (c.temperature != 1.0 || c.beta != -1.0 || c.loss != "muller"))
        fail("kd-level sequence trains on the teacher's beam outputs by cross-entropy: temperature, beta and loss have "
             "no effect on it");
}

}  // namespace

// Comparisons are written so that NaN fails them.
void validate(const RunConfig& c, bool teacher) {
    if (!(c.smoothing >= 0.0 && c.smoothing < 1.0)) fail("smoothing must be in [0, 1), got {}", c.smoothing);
    if (c.epochs <= 0) fail("epochs must be positive, got {}", c.epochs);
    if (c.batch <= 0) fail("batch must be positive, got {}", c.batch);
    validate_optimisation(c);
    if (!(c.dropout >= 0.0 && c.dropout < 1.0)) fail("dropout must be in [0, 1), got {}", c.dropout);
    for (const std::int64_t h : c.hidden)
        if (h <= 0) fail("hidden sizes must be positive, got {}", h);
    if (c.shift < -1) fail("shift must be >= 0 pixels (or -1: the data set's default), got {}", c.shift);
    if (c.hflip < -1 || c.hflip > 1)
        fail("hflip must be 1 (on), 0 (off) or -1 (the data set's default), got {}", c.hflip);
    // The run file stores the seed as a signed 64-bit integer.
    if (c.seed > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        fail("seed must be at most {}, got {}", std::numeric_limits<std::int64_t>::max(), c.seed);
    if (c.threads < 0 || c.threads > max_threads())
        fail("threads must be in [0, {}] (0: all; this machine has {} hardware threads), got {}", max_threads(),
             max_threads(), c.threads);
    if (c.precision != "f32" && c.precision != "bf16")
        fail("unknown precision '{}' (expected f32 or bf16)", c.precision);
    if (c.record_every < 0 || c.mi_every < 0 || c.mi_early < 0)
        fail("record-every, mi-every and mi-early must be >= 0");
    if (c.eval_every <= 0) fail("eval-every must be positive, got {}", c.eval_every);
    if (c.record_per_class <= 0) fail("record-per-class must be positive, got {}", c.record_per_class);
    if (c.mi_views < 2) fail("mi-views must be at least 2, got {}", c.mi_views);
    if (c.mi_examples < 2 || c.mi_examples % 2 != 0) fail("mi-examples must be even and >= 2, got {}", c.mi_examples);
    if (c.mi_augment != "training" && c.mi_augment != "shift" && c.mi_augment != "shift-flip")
        fail("unknown mi-augment '{}' (expected training, shift or shift-flip)", c.mi_augment);
    if (c.mi_augment == "training" && !c.augment)
        fail("mi-augment training probes with the run's own augmentation, but the run trains without (augment false)");
    if (c.mi_augment == "training" && c.image_stream)
        fail("mi-augment training probes with the run's own augmentation, but the probe cannot render a streamed "
             "folder's RandomResizedCrop (image-stream true); use mi-augment shift or shift-flip");
    if (!(std::isfinite(c.temperature) && c.temperature > 0.0))
        fail("temperature must be > 0 and finite, got {}", c.temperature);
    if (c.beta != -1.0 && !(c.beta >= 0.0 && c.beta <= 1.0))
        fail("beta must be in [0, 1] (or -1: the loss form's default), got {}", c.beta);
    if (c.loss != "muller" && c.loss != "hinton" && c.loss != "logit-mse")
        fail("unknown loss form '{}' (expected muller, hinton or logit-mse)", c.loss);
    validate_data(c);
    validate_sequence(c);
    if (data::is_sequence_dataset(c.dataset) && c.loss == "logit-mse")
        fail("loss logit-mse matches a classifier's logits; sequence students take muller or hinton");
    if (c.model == "mlp" && c.hidden.empty()) fail("model mlp needs its hidden sizes (hidden: a list of sizes)");
    for (std::int64_t h : c.hidden)
        if (h <= 0) fail("hidden sizes must be positive, got {}", h);
    // Each point and view is a pass over the probe's examples: beyond these the run would never end.
    if (c.mi_early > kMaxMiPoints) fail("mi-early must be at most {}, got {}", kMaxMiPoints, c.mi_early);
    if (c.mi_views > kMaxMiPoints) fail("mi-views must be at most {}, got {}", kMaxMiPoints, c.mi_views);
    const RunConfig defaults;
    for (const ConfigField& f : config_fields())
        if (f.print(c) != f.print(defaults))
            if (const std::optional<std::string> reason = f.inert(c, teacher))
                fail("{} is set to {}, but it has no effect on this run: {}", f.key, f.print(c), *reason);
}

}  // namespace lskd::distill
