#include "study/study.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "analysis/mi_bias.hpp"
#include "distill/checkpoint.hpp"
#include "framework/core/error.hpp"
#include "framework/core/interrupt.hpp"
#include "framework/data/sequence_dataset.hpp"
#include "framework/io/atomic_text.hpp"
#include "framework/io/created_directory.hpp"
#include "study/builtin_configs.hpp"
#include "study/calibration_analysis.hpp"
#include "study/claims.hpp"
#include "study/class_selection.hpp"
#include "study/erasure_analysis.hpp"
#include "study/mi_analysis.hpp"
#include "study/plots.hpp"
#include "study/projection_analysis.hpp"
#include "study/report.hpp"
#include "study/sequence_study.hpp"
#include "study/sweep.hpp"
#include "study/tables.hpp"

namespace lskd::study {
namespace {

namespace fs = std::filesystem;

bool same_teachers(const std::vector<TeacherRow>& table, const std::vector<study::SummaryRow>& teachers) {
    if (table.size() != teachers.size()) return false;
    for (std::size_t i = 0; i < table.size(); ++i)
        if (table[i].file != teachers[i].file) return false;
    return true;
}

std::vector<TeacherRow> analyse_teachers(const std::string& dir, const std::vector<study::SummaryRow>& teachers,
                                         bool quiet) {
    std::vector<TeacherRow> table;
    for (const auto& t : teachers) {
        throw_if_interrupted();
        const std::string path = (fs::path(dir) / t.file).string();
        if (!quiet) fmt::print(stderr, "study: analysing {}\n", t.file);
        const CalibrationResult calibration = analyze_calibration(path);
        const distill::RunHeader run = distill::read_run_header(path);
        const distill::RunConfig& config = run.config;
        // Both triples of M's Figure 1; the table's scatter ratio is the first's.
        std::vector<ProjectionResult> projections;
        for (const std::string& triple : figure1_triples(config.dataset, run.class_names))
            projections.push_back(analyze_projection(
                path, {triple, ProjectionVariant::affine,
                       projections.empty() ? "projection" : fmt::format("projection_{}", projections.size() + 1)}));
        distill::MiSettings mi_settings;
        mi_settings.classes = config.mi_classes;
        mi_settings.examples = config.mi_examples;
        mi_settings.views = config.mi_views;
        const std::vector<MiResult> mi = analyze_mi(path, mi_settings);
        const ErasureResult erasure = analyze_erasure(path);
        table.push_back(teacher_row(t.file, run, calibration, projections.front(), mi, erasure));
    }
    write_teacher_table(dir, table);
    return table;
}

// A study measures its teachers' MI during training (every epoch unless the recipe says otherwise) and trains
// them itself: an external teacher is refused.
void prepare_teachers(study::SweepConfig& config) {
    if (!config.teacher_logits.empty())
        fail("{}: the teacher is external (teacher.logits {}); lskd study analyses the teachers it trains, so run "
             "this config with lskd sweep",
             config.source, config.teacher_logits);
    if (config.teacher.mi_every == 0) config.teacher.mi_every = 1;
    for (auto& [alpha, teacher] : config.teacher_by_alpha)
        if (teacher.mi_every == 0) teacher.mi_every = 1;
}

study::SweepOptions sweep_options(const StudyOptions& options, const std::string& dir, io::FileLock* lock) {
    study::SweepOptions s;
    s.directory_lock = lock;
    s.output = options.out;
    s.jobs = options.jobs;
    s.executable = options.executable;
    s.quiet = options.quiet;
    s.report = (fs::path(dir) / "report.md").string();
    s.world = options.world;
    return s;
}

// The teacher table of the sweep's teachers: read back from teachers.h5 when nothing was trained and it lists the
// same teachers, else analysed again (`analysed` says which).
std::vector<TeacherRow> teacher_table(const study::SweepResult& sweep, bool quiet, bool& analysed) {
    std::vector<study::SummaryRow> teachers;
    for (const auto& r : sweep.rows)
        if (r.role == "teacher") teachers.push_back(r);
    std::vector<TeacherRow> table;
    if (sweep.trained == 0 && fs::exists(fs::path(sweep.directory) / "teachers.h5"))
        table = read_teacher_table(sweep.directory);
    if (same_teachers(table, teachers)) return table;
    analysed = true;
    return analyse_teachers(sweep.directory, teachers, quiet);
}

// By name, "quick" aside (the default).
const std::map<std::string, std::string_view (*)()>& builtin_configs() {
    static const std::map<std::string, std::string_view (*)()> configs = {
        {"paper", builtin_paper_config},       {"mnist-paper", builtin_mnist_paper_config},
        {"folder", builtin_folder_config},     {"imagenet", builtin_imagenet_config},
        {"g2p", builtin_g2p_config},           {"translation", builtin_translation_config},
        {"g2p-full", builtin_g2p_full_config}, {"erasure", builtin_erasure_config}};
    return configs;
}

}  // namespace

bool is_builtin_study_config(const std::string& name) { return name == "quick" || builtin_configs().contains(name); }

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

study::SweepConfig study_config(const std::string& name_or_path, const study::SweepOverrides& overrides) {
    if (name_or_path.empty() || name_or_path == "quick")
        return study::parse_sweep_config(std::string(builtin_quick_config()), "built-in config 'quick'", overrides);
    const auto& builtin = builtin_configs();
    if (const auto it = builtin.find(name_or_path); it != builtin.end())
        return study::parse_sweep_config(std::string(it->second()), fmt::format("built-in config '{}'", name_or_path),
                                         overrides);
    return study::load_sweep_config(name_or_path, overrides);
}

StudySetup study_setup(const study::SweepConfig& config, const std::string& config_label,
                       const study::SweepResult& sweep) {
    StudySetup setup;
    setup.run_times = sum_run_times(sweep.directory, sweep.rows);
    setup.config = config_label;
    setup.overrides = config.overrides;
    setup.design_seeds = config.design_seeds;
    setup.data_per_seed = config.data_subset == "per-seed" && config.teacher_logits.empty();
    setup.data_dir = config.teacher.data_dir;
    setup.dataset = config.teacher.dataset;
    setup.teacher_model = config.teacher.model;
    setup.student_model = config.student.model;
    setup.precision = config.teacher.precision == config.student.precision
                          ? config.teacher.precision
                          : fmt::format("teachers {}, students {}", config.teacher.precision, config.student.precision);
    setup.teacher_recipe = distill::to_yaml(config.teacher);
    setup.student_recipe = distill::to_yaml(config.student);
    setup.seeds = config.seeds;
    setup.threads = static_cast<int>(std::thread::hardware_concurrency());
    setup.lskd_version = LSKD_VERSION;
    setup.runs = sweep.total;  // runs trained: a teacher doubling as a baseline has two rows
    for (const study::SummaryRow& r : sweep.rows)
        if (r.role == "teacher") {
            setup.folder = distill::read_run_header((fs::path(sweep.directory) / r.file).string()).folder;
            break;
        }
    if (config.teacher_logits.empty()) {
        setup.mi_examples = config.teacher.mi_examples;
        setup.mi_views = config.teacher.mi_views;
        setup.mi_bias_table =
            analysis::estimator_bias_table(config.teacher.mi_examples, static_cast<int>(config.teacher.mi_views));
    }
    return setup;
}

StudyResult run_locked_sweep(const study::SweepConfig& config, const StudyOptions& options,
                             const std::function<void(const study::SweepResult&, StudyResult&)>& analyse) {
    // The whole study, analyses and report included, holds its directory: a second study of it stops at once.
    // (Without a directory the sweep reports the missing output.)
    const std::string dir = options.out.empty() ? config.output : options.out;
    const bool root = options.world == nullptr || options.world->root();
    // The directory before its lock, whose file goes first: a study failing before its first run leaves none.
    std::optional<io::CreatedDirectory> created;
    std::optional<io::FileLock> lock;
    if (!dir.empty() && root) {
        created.emplace(dir);
        lock.emplace(io::FileLock::try_lock_directory(dir, "study"));
    }
    const study::SweepResult sweep = study::run_sweep(config, sweep_options(options, dir, lock ? &*lock : nullptr));
    StudyResult result;
    result.directory = sweep.directory;
    result.trained = sweep.trained;
    if (root) analyse(sweep, result);
    return result;
}

StudyResult run_study(study::SweepConfig config, const std::string& config_label, const StudyOptions& options) {
    if (data::is_sequence_dataset(config.teacher.dataset)) return run_sequence_study(config, config_label, options);
    const auto started = std::chrono::steady_clock::now();
    prepare_teachers(config);
    return run_locked_sweep(config, options, [&](const study::SweepResult& sweep, StudyResult& result) {
        const auto analysis_started = std::chrono::steady_clock::now();
        const std::vector<TeacherRow> table = teacher_table(sweep, options.quiet, result.analysed);
        throw_if_interrupted();
        const std::vector<std::string> plots = render_plots(sweep.directory, options.plot_script);

        StudySetup setup = study_setup(config, config_label, sweep);
        setup.analysis_seconds = seconds_since(analysis_started);
        setup.seconds = seconds_since(started);
        setup.cpu_seconds = cpu_seconds();
        result.report = (fs::path(sweep.directory) / "report.md").string();
        io::write_text_atomic(result.report,
                              render_report(setup, table, sweep.rows, evaluate_claims(table, sweep.rows), plots));
        result.seconds = setup.seconds;
    });
}

}  // namespace lskd::study
