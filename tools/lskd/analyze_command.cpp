// lskd analyze calibration|projection|mi|erasure RUN.h5: the analyses of a finished run file. Each reads the
// file (never retrains), writes its results under /analysis/<name> and prints a short table or one JSON line.
#include <filesystem>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "framework/io/file_kind.hpp"
#include "framework/io/file_lock.hpp"
#include "framework/io/output_policy.hpp"
#include "framework/runtime/threads.hpp"
#include "study/calibration_analysis.hpp"
#include "study/erasure_analysis.hpp"
#include "study/mi_analysis.hpp"
#include "study/projection_analysis.hpp"
#include "tools/lskd/command.hpp"

namespace lskd::cli {
namespace {

// Held from reading the run file to writing its /analysis group, so each analysis adds to the file it read
// and none replaces another's result. Analyses of one file take turns; one that finds the file being
// trained stops at once rather than wait for the training to end. A missing file has nothing to lock: the
// analysis reports it. A path that is not a regular file is refused before its lock file is made beside it: the
// results go in by rename, which would put a regular file in the place of a device or a symbolic link.
std::optional<io::FileLock> lock_run_file(const std::string& path) {
    if (!std::filesystem::exists(path)) return std::nullopt;
    io::check_input_file(path, "a run file");
    io::check_replaceable(path);
    try {
        return io::FileLock::try_lock_file(path, "analysis");
    } catch (const io::LockBusy& busy) {
        if (busy.holder_purpose() != "analysis") throw;
        fmt::print(stderr, "{}: another analysis (process {}) is writing it; waiting\n", path, busy.holder_pid());
        return io::FileLock::lock_file(path, "analysis");
    }
}

struct Common {
    std::string path;
    bool json = false;
    int threads = 0;
};

void add_common(CLI::App& cmd, Common& c) {
    cmd.add_option("run", c.path, "run file written by lskd train or lskd distill")->required();
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

}  // namespace

Runner add_analyze_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("analyze", "analyse a run file; results are added under /analysis in the file");
    cmd->require_subcommand(1);
    struct State {
        Common calibration_common, projection_common, mi_common, erasure_common;
        study::CalibrationOptions calibration;
        std::string projection_classes, projection_variant = "affine";
        distill::MiSettings mi;
        std::string mi_data_dir;
        std::int64_t erasure_epoch = 0;
    };
    auto s = std::make_shared<State>();
    s->mi.examples_key = "--examples";

    auto* calibration = cmd->add_subcommand(
        "calibration", "ECE, reliability diagram and NLL on test; temperature scaling fitted on validation");
    add_common(*calibration, s->calibration_common);
    calibration->add_option("--bins", s->calibration.bins, "equal-width confidence bins")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    calibration->add_option("--data-dir", s->calibration.data_dir, "the data set's directory, if not the run's");

    auto* projection =
        cmd->add_subcommand("projection", "penultimate activations of three classes on the plane of their templates");
    add_common(*projection, s->projection_common);
    projection->add_option("--classes", s->projection_classes,
                           "three classes by name or index, 'a,b,c' (default: fashion-mnist "
                           "T-shirt/top,Shirt,Pullover; Trouser,Bag,Sneaker is the dissimilar triple; cifar10 "
                           "airplane,automobile,bird)");
    projection
        ->add_option("--variant", s->projection_variant,
                     "affine: plane through the templates; span: their linear span + 2-D PCA")
        ->check(CLI::IsMember({"affine", "span"}))
        ->capture_default_str();

    auto* mi = cmd->add_subcommand("mi", "mutual information between example index and a logit difference under "
                                         "augmentation (regenerated views, model in evaluation mode)");
    add_common(*mi, s->mi_common);
    mi->add_option("--classes", s->mi.classes,
                   "two classes 'a,b', or several pairs 'a,b;c,d' (one table or JSON line each; default: the run's "
                   "mi-classes, else fashion-mnist Trouser,Bag; cifar10 "
                   "airplane,dog)");
    // Every option is checked here, before the run and data are loaded; the results store the seed as an int64.
    const std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
    mi->add_option("--examples", s->mi.examples, "N training examples, half from each class")
        ->check(CLI::Range(std::int64_t{2}, int64_max))
        ->capture_default_str();
    mi->add_option("--views", s->mi.views, "L augmented views per example for the mean")
        ->check(CLI::Range(std::int64_t{2}, int64_max))
        ->capture_default_str();
    mi->add_option("--seed", s->mi.seed, "seed of the example choice and the views")
        ->check(CLI::Range(std::int64_t{0}, int64_max))
        ->capture_default_str();
    mi->add_option("--batch", s->mi.batch, "images per forward pass")
        ->check(CLI::Range(std::int64_t{1}, int64_max))
        ->capture_default_str();
    mi->add_option("--augment", s->mi.augment,
                   "augmentation of the views: training (the run's own), shift, shift-flip (default: the run's "
                   "mi-augment)")
        ->check(CLI::IsMember({"training", "shift", "shift-flip"}));
    mi->add_option("--data-dir", s->mi_data_dir, "the data set's directory, if not the run's");

    auto* erasure = cmd->add_subcommand("erasure", "Shen's 1 - S on softmax and penultimate records, and logit gaps");
    add_common(*erasure, s->erasure_common);
    erasure->add_option("--epoch", s->erasure_epoch, "records of this epoch (default: the last recorded)")
        ->check(CLI::NonNegativeNumber);

    return [s, calibration, projection, mi, erasure] {
        require_one_process("analyze");
        const Common& common = calibration->parsed()  ? s->calibration_common
                               : projection->parsed() ? s->projection_common
                               : mi->parsed()         ? s->mi_common
                                                      : s->erasure_common;
        const auto lock = lock_run_file(common.path);
        if (calibration->parsed()) {
            runtime::init_threads(s->calibration_common.threads);
            return report(s->calibration_common,
                          study::analyze_calibration(s->calibration_common.path, s->calibration));
        }
        if (projection->parsed()) {
            runtime::init_threads(s->projection_common.threads);
            study::ProjectionOptions options{s->projection_classes,
                                             study::parse_projection_variant(s->projection_variant)};
            return report(s->projection_common, study::analyze_projection(s->projection_common.path, options));
        }
        if (mi->parsed()) {
            runtime::init_threads(s->mi_common.threads);
            for (const study::MiResult& r : study::analyze_mi(s->mi_common.path, s->mi, s->mi_data_dir))
                report(s->mi_common, r);
            return 0;
        }
        runtime::init_threads(s->erasure_common.threads);
        return report(s->erasure_common, study::analyze_erasure(s->erasure_common.path, s->erasure_epoch));
    };
}

}  // namespace lskd::cli
