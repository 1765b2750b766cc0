// lskd analyze calibration|projection|mi|erasure|decoding RUN: the analyses of a finished run directory. Each reads
// what it needs of the run (never retrains), writes its results to RUN/analyses/<name>.h5 alone and prints a short
// table or one JSON line.
#include <filesystem>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "distill/run_directory.hpp"
#include "framework/io/file_lock.hpp"
#include "framework/runtime/threads.hpp"
#include "study/calibration_analysis.hpp"
#include "study/decoding_analysis.hpp"
#include "study/erasure_analysis.hpp"
#include "study/mi_analysis.hpp"
#include "study/projection_analysis.hpp"
#include "tools/lskd/command.hpp"

namespace lskd::cli {
namespace {

// The run's lock (RUN.lock beside it, the one training takes), held from reading the run to writing the analysis
// file, so that an analysis never describes a run that training changes under it. Analyses of one run take turns;
// one that finds the run being trained stops at once rather than wait for the training to end. A missing run has
// nothing to lock: the analysis reports it. A path that is not a run directory (a run file of an earlier lskd
// included) is refused before a lock file is made beside it.
std::optional<io::FileLock> lock_run(const std::string& path) {
    if (!std::filesystem::exists(path)) return std::nullopt;
    distill::check_run_directory(path);
    const std::string run = distill::RunDirectory(path).dir();
    try {
        return io::FileLock::try_lock_file(run, "analysis");
    } catch (const io::LockBusy& busy) {
        if (busy.holder_purpose() != "analysis") throw;
        fmt::print(stderr, "{}: another analysis (process {}) is writing it; waiting\n", run, busy.holder_pid());
        return io::FileLock::lock_file(run, "analysis");
    }
}

struct Common {
    std::string path;
    bool json = false;
    int threads = 0;
};

void add_common(CLI::App& cmd, Common& c) {
    cmd.add_option("run", c.path, "run directory written by lskd train or lskd distill")->required();
    cmd.add_flag("--json", c.json, "print one JSON line instead of the table");
    cmd.add_option("--threads", c.threads, "threads (0: all)")->check(CLI::Range(0, distill::max_threads()));
}

template <typename Result>
int report(const Common& c, const Result& r) {
    if (c.json) {
        const study::AnalysisSummary s = study::summarize(r);
        fmt::print("{}\n", json_line(s.numbers, s.strings));
    } else {
        fmt::print("{}", study::format_table(r));
    }
    return 0;
}

struct AnalyzeState {
    Common calibration_common, projection_common, mi_common, erasure_common, decoding_common;
    study::CalibrationOptions calibration;
    std::string projection_classes, projection_variant = "affine";
    distill::MiSettings mi;
    std::string mi_data_dir;
    std::int64_t erasure_epoch = 0;
    std::vector<double> temperatures = study::default_decoding_temperatures();
    bool decoding_force = false;
};

CLI::App* add_calibration(CLI::App& cmd, AnalyzeState& s) {
    auto* calibration = cmd.add_subcommand(
        "calibration", "ECE, reliability diagram and NLL on test; temperature scaling fitted on validation (from the "
                       "run's stored outputs)");
    add_common(*calibration, s.calibration_common);
    calibration->add_option("--bins", s.calibration.bins, "equal-width confidence bins")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    return calibration;
}

CLI::App* add_projection(CLI::App& cmd, AnalyzeState& s) {
    auto* projection =
        cmd.add_subcommand("projection", "penultimate activations of three classes on the plane of their templates");
    add_common(*projection, s.projection_common);
    projection->add_option("--classes", s.projection_classes,
                           "three classes by name or index, 'a,b,c' (default: fashion-mnist "
                           "T-shirt/top,Shirt,Pullover; Trouser,Bag,Sneaker is the dissimilar triple; cifar10 "
                           "airplane,automobile,bird)");
    projection
        ->add_option("--variant", s.projection_variant,
                     "affine: plane through the templates; span: their linear span + 2-D PCA")
        ->check(CLI::IsMember({"affine", "span"}))
        ->capture_default_str();
    return projection;
}

CLI::App* add_mi(CLI::App& cmd, AnalyzeState& s) {
    auto* mi = cmd.add_subcommand("mi", "mutual information between example index and a logit difference under "
                                        "augmentation (regenerated views, model in evaluation mode)");
    add_common(*mi, s.mi_common);
    mi->add_option("--classes", s.mi.classes,
                   "two classes 'a,b', or several pairs 'a,b;c,d' (one table or JSON line each; default: the run's "
                   "mi-classes, else fashion-mnist Trouser,Bag; cifar10 "
                   "airplane,dog)");
    // Every option is checked here, before the run and data are loaded; the results store the seed as an int64.
    const std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
    mi->add_option("--examples", s.mi.examples, "N training examples, half from each class")
        ->check(CLI::Range(std::int64_t{2}, int64_max))
        ->capture_default_str();
    mi->add_option("--views", s.mi.views, "L augmented views per example for the mean")
        ->check(CLI::Range(std::int64_t{2}, int64_max))
        ->capture_default_str();
    mi->add_option("--seed", s.mi.seed, "seed of the example choice and the views")
        ->check(CLI::Range(std::int64_t{0}, int64_max))
        ->capture_default_str();
    mi->add_option("--batch", s.mi.batch, "images per forward pass")
        ->check(CLI::Range(std::int64_t{1}, int64_max))
        ->capture_default_str();
    mi->add_option("--augment", s.mi.augment,
                   "augmentation of the views: training (the run's own), shift, shift-flip (default: the run's "
                   "mi-augment)")
        ->check(CLI::IsMember({"training", "shift", "shift-flip"}));
    mi->add_option("--data-dir", s.mi_data_dir, "the data set's directory, if not the run's");
    return mi;
}

CLI::App* add_erasure(CLI::App& cmd, AnalyzeState& s) {
    auto* erasure = cmd.add_subcommand("erasure", "Shen's 1 - S on softmax and penultimate records, and logit gaps");
    add_common(*erasure, s.erasure_common);
    erasure->add_option("--epoch", s.erasure_epoch, "records of this epoch (default: the last recorded)")
        ->check(CLI::NonNegativeNumber);
    return erasure;
}

CLI::App* add_decoding(CLI::App& cmd, AnalyzeState& s) {
    auto* decoding = cmd.add_subcommand(
        "decoding", "sequence runs: token NLL/ECE and beam-search WER/PER (or BLEU/chrF) of the test split against "
                    "the softmax temperature; temperature scaling fitted on validation tokens and its decode");
    add_common(*decoding, s.decoding_common);
    decoding->add_option("--temperatures", s.temperatures, "the grid of T, e.g. 0.8,0.9,1.0")
        ->delimiter(',')
        ->check(CLI::Range(1e-6, 100.0))
        ->capture_default_str();
    decoding->add_flag("--force", s.decoding_force, "recompute even when analyses/decoding.h5 has this grid");
    return decoding;
}

}  // namespace

Runner add_analyze_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("analyze", "analyse a run; each analysis writes RUN/analyses/<name>.h5");
    cmd->require_subcommand(1);
    auto s = std::make_shared<AnalyzeState>();
    s->mi.examples_key = "--examples";
    auto* calibration = add_calibration(*cmd, *s);
    auto* projection = add_projection(*cmd, *s);
    auto* mi = add_mi(*cmd, *s);
    auto* erasure = add_erasure(*cmd, *s);
    auto* decoding = add_decoding(*cmd, *s);

    return [s, calibration, projection, mi, erasure, decoding] {
        require_one_process("analyze");
        const Common& common = calibration->parsed()  ? s->calibration_common
                               : projection->parsed() ? s->projection_common
                               : mi->parsed()         ? s->mi_common
                               : decoding->parsed()   ? s->decoding_common
                                                      : s->erasure_common;
        const auto lock = lock_run(common.path);
        runtime::init_threads(common.threads);
        if (calibration->parsed()) return report(common, study::analyze_calibration(common.path, s->calibration));
        if (projection->parsed()) {
            const study::ProjectionOptions options{s->projection_classes,
                                                   study::parse_projection_variant(s->projection_variant)};
            return report(common, study::analyze_projection(common.path, options));
        }
        if (decoding->parsed())
            return report(common, study::decoding_analysis(common.path, s->temperatures, s->decoding_force));
        if (mi->parsed()) {
            for (const study::MiResult& r : study::analyze_mi(common.path, s->mi, s->mi_data_dir)) report(common, r);
            return 0;
        }
        return report(common, study::analyze_erasure(common.path, s->erasure_epoch));
    };
}

}  // namespace lskd::cli
