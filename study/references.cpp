#include "study/references.hpp"

#include <cmath>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "analysis/statistics.hpp"
#include "distill/run_config.hpp"
#include "framework/core/error.hpp"
#include "study/builtin_configs.hpp"
#include "study/claims_groups.hpp"

namespace lskd::study {
namespace {

const std::set<std::string> kQuantities = {"teacher-accuracy",   "baseline-accuracy", "teacher-ece",
                                           "teacher-ece-scaled", "teacher-error",     "student-error"};

// The study's values of a reference's quantity (accuracies and errors in %), one per seed.
std::vector<double> study_values(const Reference& r, const StudyData& d) {
    std::vector<double> out;
    if (r.quantity == "baseline-accuracy") {
        for (const auto& run : d.runs)
            if (run.role == "baseline" && same_value(run.alpha, r.alpha)) out.push_back(100 * run.test_acc);
        return out;
    }
    if (r.quantity == "student-error") {
        const auto temps = student_temperatures(d, r.alpha);
        const auto t = best_on_validation(temps, [&](double x) { return mean_val_acc(students(d, r.alpha, x)); });
        if (t)
            for (const SummaryRow* s : students(d, r.alpha, *t)) out.push_back(100 - 100 * s->test_acc);
        return out;
    }
    for (const auto& t : d.teachers) {
        if (!same_value(t.alpha, r.alpha)) continue;
        if (r.quantity == "teacher-accuracy") out.push_back(100 * t.test_acc);
        if (r.quantity == "teacher-error") out.push_back(100 - 100 * t.test_acc);
        if (r.quantity == "teacher-ece") out.push_back(t.ece);
        if (r.quantity == "teacher-ece-scaled") out.push_back(t.ece_scaled);
    }
    return out;
}

std::string mean_std(const std::vector<double>& v, int digits) {
    const analysis::GroupSummary s = analysis::summarize(v);
    if (s.n == 0) return "–";
    if (s.n == 1) return fmt::format("{:.{}f} (one seed)", s.mean, digits);
    return fmt::format("{:.{}f} ± {:.{}f} ({} seeds)", s.mean, digits, s.stddev, digits, s.n);
}

}  // namespace

std::vector<Reference> parse_references(const std::string& text, const std::string& source) {
    distill::check_yaml_depth(text, source);
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        fail("{}: not valid YAML: {}", source, e.what());
    }
    if (!root.IsMap() || !root["references"] || !root["references"].IsSequence())
        fail("{}: needs a list 'references'", source);
    std::vector<Reference> out;
    const YAML::Node list = root["references"];
    for (std::size_t i = 0; i < list.size(); ++i) {
        const YAML::Node e = list[i];
        const std::string where = fmt::format("{}: references[{}]", source, i);
        if (!e.IsMap()) fail("{} must be a mapping", where);
        for (const auto& kv : e) {
            const auto key = kv.first.as<std::string>();
            if (!std::set<std::string>{"source", "dataset", "model", "quantity", "alpha", "value", "std", "temperature"}
                     .contains(key))
                fail("{}: unknown key '{}'", where, key);
        }
        Reference r;
        try {
            for (const char* key : {"source", "dataset", "model", "quantity", "alpha", "value"})
                if (!e[key]) fail("{} needs the key '{}'", where, key);
            r.source = e["source"].as<std::string>();
            r.dataset = e["dataset"].as<std::string>();
            r.model = e["model"].as<std::string>();
            r.quantity = e["quantity"].as<std::string>();
            r.alpha = e["alpha"].as<double>();
            r.value = e["value"].as<double>();
            if (e["std"]) r.std = e["std"].as<double>();
            if (e["temperature"]) r.temperature = e["temperature"].as<double>();
        } catch (const YAML::Exception& ex) {
            fail("{}: bad value: {}", where, ex.what());
        }
        if (!kQuantities.contains(r.quantity)) fail("{}: unknown quantity '{}'", where, r.quantity);
        out.push_back(r);
    }
    return out;
}

const std::vector<Reference>& published_references() {
    static const std::vector<Reference> refs =
        parse_references(std::string(builtin_references()), "built-in configs/references.yaml");
    return refs;
}

std::string reference_table(const std::vector<Reference>& references, const std::string& dataset,
                            const std::string& teacher_model, const std::string& student_model,
                            const std::vector<TeacherRow>& teachers, const std::vector<SummaryRow>& runs) {
    const StudyData d{teachers, runs};
    std::string rows;
    for (const Reference& r : references) {
        const bool teacher_quantity = r.quantity.starts_with("teacher-");
        if (r.dataset != dataset || r.model != (teacher_quantity ? teacher_model : student_model)) continue;
        const bool ece = r.quantity.starts_with("teacher-ece");
        const int digits = ece ? 3 : 2;
        std::string published = fmt::format("{:.{}f}", r.value, digits);
        if (r.std >= 0) published += fmt::format(" ± {:.{}f}", r.std, digits);
        std::string ours = mean_std(study_values(r, d), digits);
        if (r.temperature > 0) {
            published += fmt::format(" (T = {})", r.temperature);
            std::vector<double> temps;
            for (const auto& t : teachers)
                if (same_value(t.alpha, r.alpha)) temps.push_back(t.temperature);
            ours += fmt::format(" (T = {})", mean_std(temps, 2));
        }
        rows += fmt::format("| {} | {} | {} | {} | α = {} | {} | {} |\n", r.source, r.dataset, r.model, r.quantity,
                            r.alpha, published, ours);
    }
    if (rows.empty()) return "";
    return "| source | data set | model | quantity | setting | published | this study |\n"
           "|---|---|---|---|---|---|---|\n" +
           rows;
}

}  // namespace lskd::study
