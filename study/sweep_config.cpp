#include "study/sweep_config.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <set>
#include <sstream>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "framework/core/error.hpp"

namespace lskd::study {
namespace {

// Keys the sweep itself sets on every run; a recipe giving them would be silently overridden.
const std::set<std::string> kSweepOwnedKeys = {"model",   "dataset",     "data-dir", "seed", "data-seed", "output",
                                               "teacher", "temperature", "beta",     "loss", "smoothing"};

class Reader {
public:
    explicit Reader(std::string source) : source_(std::move(source)) {}

    YAML::Node map(const YAML::Node& node, const std::string& where, std::initializer_list<const char*> keys) const {
        if (!node.IsMap()) fail("{}: '{}' must be a mapping", source_, where);
        for (const auto& kv : node) {
            const auto key = kv.first.as<std::string>();
            bool known = false;
            for (const char* k : keys) known = known || key == k;
            if (!known) fail("{}: unknown key '{}' in {}", source_, key, where);
        }
        return node;
    }

    template <typename T>
    T value(const YAML::Node& node, const std::string& where) const {
        if (!node.IsScalar()) fail("{}: '{}' must be a single value", source_, where);
        if constexpr (std::is_same_v<T, std::string>)
            if (node.Scalar().size() > distill::kMaxTextBytes)
                fail("{}: '{}' is {} bytes long; at most {} are allowed", source_, where, node.Scalar().size(),
                     distill::kMaxTextBytes);
        try {
            return node.as<T>();
        } catch (const YAML::Exception&) {
            fail("{}: '{}': '{}' is not a valid {}", source_, where, node.as<std::string>(),
                 std::is_arithmetic_v<T> ? "number" : "value");
        }
    }

    // A non-empty list, or one value standing for a list of one.
    template <typename T>
    std::vector<T> list(const YAML::Node& node, const std::string& where) const {
        std::vector<T> out;
        if (node.IsSequence()) {
            for (std::size_t i = 0; i < node.size(); ++i)
                out.push_back(value<T>(node[i], fmt::format("{}[{}]", where, i)));
        } else if (node.IsScalar()) {
            out.push_back(value<T>(node, where));
        }
        if (out.empty()) fail("{}: '{}' must not be empty", source_, where);
        if (out.size() > distill::kMaxListItems)
            fail("{}: '{}' has {} entries; at most {} are allowed", source_, where, out.size(), distill::kMaxListItems);
        return out;
    }

    YAML::Node required(const YAML::Node& map, const char* key, const std::string& where) const {
        if (!map[key]) fail("{}: '{}' needs the key '{}'", source_, where, key);
        return map[key];
    }

    // Applies a recipe (lskd train config keys) with the config field table.
    void recipe(const YAML::Node& node, distill::RunConfig& config, const std::string& where) const {
        if (!node) return;
        if (node.IsNull()) return;
        if (!node.IsMap()) fail("{}: '{}' must be a mapping of lskd train config keys", source_, where);
        for (const auto& kv : node) {
            const auto key = kv.first.as<std::string>();
            if (kSweepOwnedKeys.contains(key))
                fail("{}: '{}' sets '{}', which the sweep sets itself (see the sweep keys)", source_, where, key);
        }
        distill::apply_yaml_text(config, YAML::Dump(node), fmt::format("{} ({})", source_, where));
    }

private:
    std::string source_;
};

}  // namespace

// Sets root's key at `path` (dot-separated mapping keys or list positions) to `value`. Mappings on the way may gain
// the key; whether it is one the sweep file knows is for the reading that follows to decide.
void set_path(YAML::Node root, const std::string& path, const YAML::Node& value) {
    std::vector<std::string> keys;
    std::stringstream parts(path);
    for (std::string key; std::getline(parts, key, '.');) keys.push_back(key);
    if (path.empty() || path.back() == '.' || std::find(keys.begin(), keys.end(), "") != keys.end())
        fail("'{}' is not a key path (keys joined by '.')", path);
    YAML::Node node = root;
    std::string where = "the sweep file";
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const std::string& key = keys[i];
        const bool last = i + 1 == keys.size();
        if (node.IsSequence()) {
            if (!key.empty() && key[0] == '-') fail("'{}' is a list; list index {} is negative", where, key);
            std::size_t pos = 0;
            try {
                std::size_t used = 0;
                pos = std::stoul(key, &used);
                if (used != key.size()) throw std::invalid_argument(key);
            } catch (const std::exception&) {
                fail("'{}' is a list; '{}' is not a position in it", where, key);
            }
            if (pos >= node.size()) fail("'{}' has {} entries; there is no entry {}", where, node.size(), pos);
            if (last) {
                node[pos] = value;
                return;
            }
            node.reset(node[pos]);
        } else {
            if (node.IsScalar()) fail("'{}' is a single value, not a mapping with the key '{}'", where, key);
            if (last) {
                node[key] = value;
                return;
            }
            node.reset(node[key]);
        }
        where = i == 0 ? key : where + "." + key;
    }
}

// One --set "key.path=value", applied to `root`; errors leave naming the override to the caller.
void apply_set(YAML::Node& root, const std::string& text) {
    const auto eq = text.find('=');
    if (eq == std::string::npos) fail("expected key.path=value");
    YAML::Node value;
    distill::check_yaml_depth(text.substr(eq + 1), "the value");
    try {
        value = YAML::Load(text.substr(eq + 1));
    } catch (const YAML::Exception& e) {
        fail("the value is not valid YAML: {}", e.what());
    }
    if (value.IsNull()) fail("no value after '='");
    set_path(root, text.substr(0, eq), value);
}

namespace {

// teacher: {model, alphas, recipe} of a trained teacher, or {logits} of an external one.
YAML::Node read_teacher(const Reader& r, const YAML::Node& root, SweepConfig& c) {
    const YAML::Node teacher = r.map(r.required(root, "teacher", "the sweep file"), "teacher",
                                     {"model", "alphas", "recipe", "alpha-recipes", "logits"});
    if (teacher["logits"]) {
        c.teacher_logits = r.value<std::string>(teacher["logits"], "teacher.logits");
        for (const char* key : {"model", "alphas", "recipe", "alpha-recipes"})
            if (teacher[key])
                fail("{}: 'teacher' names an external teacher (logits), which has no '{}': nothing trains it", c.source,
                     key);
    } else {
        c.teacher.model = r.value<std::string>(r.required(teacher, "model", "teacher"), "teacher.model");
        c.teacher_alphas = r.list<double>(r.required(teacher, "alphas", "teacher"), "teacher.alphas");
        r.recipe(teacher["recipe"], c.teacher, "teacher.recipe");
    }
    return teacher;
}

void read_student(const Reader& r, const YAML::Node& root, SweepConfig& c) {
    const YAML::Node student =
        r.map(r.required(root, "student", "the sweep file"), "student", {"model", "loss", "beta", "recipe"});
    r.recipe(student["recipe"], c.student, "student.recipe");
    c.student.model = r.value<std::string>(r.required(student, "model", "student"), "student.model");
    if (student["loss"]) c.student.loss = r.value<std::string>(student["loss"], "student.loss");
    if (student["beta"]) c.student.beta = r.value<double>(student["beta"], "student.beta");
}

// teacher.alpha-recipes: a recipe of its own for some of the teachers' α, over the teachers' recipe.
void read_alpha_recipes(const Reader& r, const YAML::Node& by_alpha, SweepConfig& c) {
    if (!by_alpha.IsSequence() || by_alpha.size() == 0)
        fail("{}: 'teacher.alpha-recipes' must be a non-empty list of {{alpha, recipe}}", c.source);
    for (std::size_t i = 0; i < by_alpha.size(); ++i) {
        const std::string where = fmt::format("teacher.alpha-recipes[{}]", i);
        const YAML::Node entry = r.map(by_alpha[i], where, {"alpha", "recipe"});
        const double alpha = r.value<double>(r.required(entry, "alpha", where), where + ".alpha");
        bool listed = false;
        for (double a : c.teacher_alphas) listed = listed || a == alpha;
        if (!listed) fail("{}: '{}' names α = {}, which is not among teacher.alphas", c.source, where, alpha);
        if (c.teacher_by_alpha.contains(alpha)) fail("{}: '{}' repeats α = {}", c.source, where, alpha);
        distill::RunConfig t = c.teacher;
        r.recipe(r.required(entry, "recipe", where), t, where + ".recipe");
        c.teacher_by_alpha.emplace(alpha, t);
    }
}

void read_distill(const Reader& r, const YAML::Node& distill, SweepConfig& c) {
    if (!distill.IsSequence() || distill.size() == 0)
        fail("{}: 'distill' must be a non-empty list of {{teacher-alpha, temperatures}}", c.source);
    for (std::size_t i = 0; i < distill.size(); ++i) {
        const std::string where = fmt::format("distill[{}]", i);
        const YAML::Node d = r.map(distill[i], where, {"teacher-alpha", "temperatures"});
        const std::vector<double> temperatures =
            r.list<double>(r.required(d, "temperatures", where), where + ".temperatures");
        if (!c.teacher_logits.empty()) {
            if (d["teacher-alpha"])
                fail("{}: '{}' gives a teacher-alpha, but the teacher is external (teacher.logits); leave it out",
                     c.source, where);
            c.distill.push_back(DistillPairs{{}, temperatures});
        } else {
            c.distill.push_back(DistillPairs{
                r.list<double>(r.required(d, "teacher-alpha", where), where + ".teacher-alpha"), temperatures});
        }
    }
}

// The top-level precision: every run's, unless a recipe asks for another (an Error naming both).
void set_precision(const std::string& precision, SweepConfig& c) {
    for (distill::RunConfig* run : {&c.teacher, &c.student}) {
        const char* role = run == &c.teacher ? "teacher" : "student";
        if (run->precision != distill::RunConfig{}.precision && run->precision != precision)
            fail("{}: precision is {} but {}.recipe.precision is {}; give one of them", c.source, precision, role,
                 run->precision);
        run->precision = precision;
    }
}

}  // namespace

SweepConfig read_sweep(const YAML::Node& root, const std::string& source) {
    const Reader r(source);
    r.map(root, "the sweep file",
          {"output", "dataset", "data-dir", "precision", "seeds", "data-subset", "design-seeds", "teacher", "student",
           "distill", "baselines", "parallel"});
    SweepConfig c;
    c.source = source;
    if (root["output"]) c.output = r.value<std::string>(root["output"], "output");
    const std::string dataset = root["dataset"] ? r.value<std::string>(root["dataset"], "dataset")
                                                : distill::RunConfig{}.dataset;
    const std::string data_dir = root["data-dir"] ? r.value<std::string>(root["data-dir"], "data-dir") : "";
    c.seeds = r.list<std::uint64_t>(r.required(root, "seeds", "the sweep file"), "seeds");
    if (root["data-subset"]) c.data_subset = r.value<std::string>(root["data-subset"], "data-subset");
    if (c.data_subset != "per-seed" && c.data_subset != "fixed")
        fail("{}: 'data-subset' must be per-seed or fixed, got '{}'", source, c.data_subset);
    if (root["design-seeds"]) c.design_seeds = r.list<std::uint64_t>(root["design-seeds"], "design-seeds");
    if (root["parallel"]) c.parallel = r.value<int>(root["parallel"], "parallel");
    if (c.parallel < 1) fail("{}: 'parallel' must be at least 1, got {}", source, c.parallel);

    const YAML::Node teacher = read_teacher(r, root, c);
    read_student(r, root, c);
    for (distill::RunConfig* run : {&c.teacher, &c.student}) {
        run->dataset = dataset;
        run->data_dir = data_dir;
    }
    if (root["precision"]) set_precision(r.value<std::string>(root["precision"], "precision"), c);
    if (const YAML::Node by_alpha = teacher["alpha-recipes"]) read_alpha_recipes(r, by_alpha, c);
    if (const YAML::Node distill = root["distill"]) read_distill(r, distill, c);
    if (const YAML::Node baselines = root["baselines"]) {
        r.map(baselines, "baselines", {"alphas"});
        c.baseline_alphas = r.list<double>(r.required(baselines, "alphas", "baselines"), "baselines.alphas");
    }
    return c;
}

SweepConfig parse_sweep_config(const std::string& text, const std::string& source, const SweepOverrides& overrides) {
    distill::check_yaml_depth(text, source);
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        fail("{}: not valid YAML: {}", source, e.what());
    }
    distill::check_unique_keys(root, source);
    // The file alone first, so that its own faults are reported as its own; then each override in turn, so that a
    // fault is reported as the override's that brought it.
    SweepConfig c = read_sweep(YAML::Node(root), source);
    if (overrides.data_dir.empty() && overrides.sets.empty()) return c;
    std::vector<std::string> applied;
    const auto apply = [&](const std::string& label, const std::function<void()>& change) {
        try {
            change();
            c = read_sweep(YAML::Node(root), source);
        } catch (const Error& e) {
            fail("{}: {}", label, e.what());
        }
        applied.push_back(label);
    };
    if (!overrides.data_dir.empty()) {
        const std::string label = "--data-dir " + overrides.data_dir;
        if (!std::filesystem::is_directory(overrides.data_dir))
            fail("{}: no such directory (give the directory holding the data set's files)", label);
        apply(label, [&] { set_path(root, "data-dir", YAML::Node(overrides.data_dir)); });
    }
    for (const std::string& set : overrides.sets) {
        const std::string label = "--set " + set;
        apply(label, [&] { apply_set(root, set); });
    }
    c.overrides = applied;
    return c;
}

SweepConfig load_sweep_config(const std::string& path, const SweepOverrides& overrides) {
    return parse_sweep_config(distill::read_config_text(path, "sweep file"), path, overrides);
}

}  // namespace lskd::study
