#include "study/sweep_config.hpp"

#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "framework/core/error.hpp"

namespace lskd::study {
namespace {

// Keys the sweep itself sets on every run; a recipe giving them would be silently overridden.
const std::set<std::string> kSweepOwnedKeys = {"model",   "dataset",     "data-dir", "seed", "output",
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

SweepConfig parse_sweep_config(const std::string& text, const std::string& source) {
    YAML::Node loaded;
    try {
        loaded = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        fail("{}: not valid YAML: {}", source, e.what());
    }
    const YAML::Node root = loaded;  // const: a lookup of a missing key must not add it
    distill::check_unique_keys(root, source);
    const Reader r(source);
    r.map(root, "the sweep file",
          {"output", "dataset", "data-dir", "seeds", "teacher", "student", "distill", "baselines", "parallel"});
    SweepConfig c;
    c.source = source;
    if (root["output"]) c.output = r.value<std::string>(root["output"], "output");
    const std::string dataset = root["dataset"] ? r.value<std::string>(root["dataset"], "dataset")
                                                : distill::RunConfig{}.dataset;
    const std::string data_dir = root["data-dir"] ? r.value<std::string>(root["data-dir"], "data-dir") : "";
    c.seeds = r.list<std::uint64_t>(r.required(root, "seeds", "the sweep file"), "seeds");
    if (root["parallel"]) c.parallel = r.value<int>(root["parallel"], "parallel");
    if (c.parallel < 1) fail("{}: 'parallel' must be at least 1, got {}", source, c.parallel);

    const YAML::Node teacher =
        r.map(r.required(root, "teacher", "the sweep file"), "teacher", {"model", "alphas", "recipe", "alpha-recipes"});
    c.teacher.model = r.value<std::string>(r.required(teacher, "model", "teacher"), "teacher.model");
    c.teacher_alphas = r.list<double>(r.required(teacher, "alphas", "teacher"), "teacher.alphas");
    r.recipe(teacher["recipe"], c.teacher, "teacher.recipe");

    const YAML::Node student =
        r.map(r.required(root, "student", "the sweep file"), "student", {"model", "loss", "beta", "recipe"});
    r.recipe(student["recipe"], c.student, "student.recipe");
    c.student.model = r.value<std::string>(r.required(student, "model", "student"), "student.model");
    if (student["loss"]) c.student.loss = r.value<std::string>(student["loss"], "student.loss");
    if (student["beta"]) c.student.beta = r.value<double>(student["beta"], "student.beta");

    for (distill::RunConfig* run : {&c.teacher, &c.student}) {
        run->dataset = dataset;
        run->data_dir = data_dir;
    }

    if (const YAML::Node by_alpha = teacher["alpha-recipes"]) {
        if (!by_alpha.IsSequence() || by_alpha.size() == 0)
            fail("{}: 'teacher.alpha-recipes' must be a non-empty list of {{alpha, recipe}}", source);
        for (std::size_t i = 0; i < by_alpha.size(); ++i) {
            const std::string where = fmt::format("teacher.alpha-recipes[{}]", i);
            const YAML::Node entry = r.map(by_alpha[i], where, {"alpha", "recipe"});
            const double alpha = r.value<double>(r.required(entry, "alpha", where), where + ".alpha");
            bool listed = false;
            for (double a : c.teacher_alphas) listed = listed || a == alpha;
            if (!listed) fail("{}: '{}' names α = {}, which is not among teacher.alphas", source, where, alpha);
            if (c.teacher_by_alpha.contains(alpha)) fail("{}: '{}' repeats α = {}", source, where, alpha);
            distill::RunConfig t = c.teacher;
            r.recipe(r.required(entry, "recipe", where), t, where + ".recipe");
            c.teacher_by_alpha.emplace(alpha, t);
        }
    }

    if (const YAML::Node distill = root["distill"]) {
        if (!distill.IsSequence() || distill.size() == 0)
            fail("{}: 'distill' must be a non-empty list of {{teacher-alpha, temperatures}}", source);
        for (std::size_t i = 0; i < distill.size(); ++i) {
            const std::string where = fmt::format("distill[{}]", i);
            const YAML::Node d = r.map(distill[i], where, {"teacher-alpha", "temperatures"});
            c.distill.push_back({r.list<double>(r.required(d, "teacher-alpha", where), where + ".teacher-alpha"),
                                 r.list<double>(r.required(d, "temperatures", where), where + ".temperatures")});
        }
    }
    if (const YAML::Node baselines = root["baselines"]) {
        r.map(baselines, "baselines", {"alphas"});
        c.baseline_alphas = r.list<double>(r.required(baselines, "alphas", "baselines"), "baselines.alphas");
    }
    return c;
}

SweepConfig load_sweep_config(const std::string& path) {
    std::ifstream in(path);
    if (!in) fail("{}: cannot open the sweep file", path);
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_sweep_config(ss.str(), path);
}

}  // namespace lskd::study
