// lskd distill: trains a student from a teacher run (--teacher, a run directory) with the flags and config of lskd
// train, writing a student run with the teacher's identity, T, β, the loss form and the student's γ.
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "distill/run_directory.hpp"
#include "distill/sequence_run.hpp"
#include "distill/teacher.hpp"
#include "distill/teacher_cache.hpp"
#include "distill/teacher_logits.hpp"
#include "distill/trainer.hpp"
#include "framework/core/error.hpp"
#include "tools/lskd/command.hpp"

namespace lskd::cli {
namespace {

// <model>_from-<teacher>_T<T>_<loss>_s<seed> in the working directory, as lskd train names its runs; <teacher> is
// the teacher run's directory name ("." kept: mlp_a0.1_s1), or a teacher-logits file's name without ".h5".
std::string default_student_output(const distill::RunConfig& c, const std::string& teacher) {
    const std::filesystem::path path(distill::RunDirectory(teacher).dir());
    const std::string name = (path.extension() == ".h5" ? path.stem() : path.filename()).string();
    return fmt::format("{}_from-{}_T{}_{}_s{}", c.model, name, c.temperature, c.loss, c.seed);
}

// The student's closing line: its test numbers and γ, as text or as one JSON line with `numbers` and `strings`
// added to the run's own.
void report_student(const distill::TrainSummary& r, double gamma, bool json, std::map<std::string, double> numbers,
                    std::map<std::string, std::string> strings) {
    if (!json) {
        fmt::print("test accuracy {:.4f}  nll {:.4f}  ece {:.4f}{}  γ {:.4f}  ({} epochs, {:.1f}s) -> {}\n",
                   r.last.at("test_acc"), r.last.at("test_nll"), r.last.at("test_ece"), decode_scores_text(r.last),
                   gamma, r.epochs, r.seconds, r.output);
        return;
    }
    for (const char* key : {"test_acc", "test_nll", "test_ece", "val_acc", "train_loss"}) numbers[key] = r.last.at(key);
    numbers["epochs"] = static_cast<double>(r.epochs);
    numbers["seconds"] = r.seconds;
    numbers["gamma"] = gamma;
    strings["output"] = r.output;
    fmt::print("{}\n", json_line(numbers, strings));
}

std::string default_cache_dir(const std::string& output) {
    return (std::filesystem::path(output).parent_path() / "teacher_cache").string();
}

// --teacher-logits: the same training and report, with a fixed table of teacher logits instead of a teacher run.
int distill_from_logits(distill::RunConfig config, const std::string& logits, const RunFlags& flags,
                        const std::string& config_file) {
    distill::TrainOptions options = train_options(flags);
    if (!config.teacher.empty())
        fail("give the teacher once: --teacher {} or --teacher-logits {}", config.teacher, logits);
    default_output_to(config, default_student_output(config, logits), flags);
    distill::validate(config, /*teacher=*/true);  // the logits are the teacher, which config.teacher does not name
    std::optional<io::FileLock> lock;             // of a data-parallel run only rank 0 writes, and so locks
    if (process_world().root()) lock.emplace(distill::claim_output(config, options, {config_file, logits}));
    options.output_lock = lock ? &*lock : nullptr;
    const data::Dataset dataset = distill::load_run_dataset(config);
    distill::TeacherLogits teacher(logits, config, dataset);
    distill::TrainHooks hooks;
    hooks.teacher = &teacher;
    const distill::TrainSummary r = distill::train(config, dataset, options, hooks);
    if (!process_world().root()) return 0;  // rank 0 reports the run
    const distill::TeacherInfo& t = teacher.info();
    report_student(r, t.gamma, flags.json, {}, {{"teacher_logits", t.file}, {"teacher_hash", t.hash}});
    return 0;
}

// A sequence student: word-level (or, with kd-level sequence, sequence-level) distillation from its teacher run.
int distill_sequences(const distill::RunConfig& config, const distill::TrainOptions& options, bool json) {
    const distill::TrainSummary r =
        distill::train_sequences(config, distill::load_sequence_run_dataset(config), options);
    if (!process_world().root()) return 0;  // rank 0 reports the run
    const distill::RunHeader student = distill::read_run_header(r.output);
    report_student(r, student.teacher->gamma, json, {}, {{"teacher", config.teacher}});
    return 0;
}

}  // namespace

Runner add_distill_command(CLI::App& app) {
    auto* cmd =
        app.add_subcommand("distill", "train a student from a teacher run (--teacher TEACHER, a run directory)");
    struct State {
        ConfigFlags flags;
        RunFlags run;
        std::string cache_dir, teacher_logits;
    };
    auto s = std::make_shared<State>();
    add_config_flags(*cmd, s->flags);
    add_run_flags(*cmd, s->run, "continue the student run STUDENT (a run directory) from its last completed epoch");
    cmd->add_option("--teacher-cache", s->cache_dir,
                    "directory of teacher-logit caches (default: teacher_cache/ beside the output)");
    cmd->add_option("--teacher-logits", s->teacher_logits,
                    "the teacher as its logits on the training examples, an HDF5 file (docs/teacher-logits.md)");
    return [s] {
        distill::RunConfig config = resolve_config(s->flags, s->run.resume_path);
        if (!s->teacher_logits.empty())
            return distill_from_logits(config, s->teacher_logits, s->run, s->flags.config_file);
        distill::TrainOptions options = train_options(s->run);
        if (config.teacher.empty())
            fail("lskd distill needs --teacher TEACHER, a teacher's run directory (a student without a teacher is "
                 "lskd train)");
        default_output_to(config, default_student_output(config, config.teacher), s->run);
        // Every bad input is reported before the data are loaded or anything is trained.
        distill::validate(config);
        // Before the teacher and the data are loaded: a second writer of the output stops here.
        std::optional<io::FileLock> lock;  // of a data-parallel run only rank 0 writes, and so locks
        if (process_world().root()) lock.emplace(distill::claim_output(config, options, {s->flags.config_file}));
        options.output_lock = lock ? &*lock : nullptr;
        // Its header only: open_teacher reads the state, once, after the data.
        distill::check_teacher_run(config.teacher, config);
        if (data::is_sequence_dataset(config.dataset)) return distill_sequences(config, options, s->run.json);

        const data::Dataset dataset = distill::load_run_dataset(config);
        distill::TeacherOptions teacher_options;
        teacher_options.cache_dir = s->cache_dir.empty() ? default_cache_dir(config.output) : s->cache_dir;
        const distill::DistillResult d = distill::distill_student(config, dataset, options, teacher_options);
        if (!process_world().root()) return 0;  // rank 0 reports the run
        const distill::TrainSummary& r = d.summary;
        const distill::TeacherInfo& t = d.teacher;
        if (!s->run.json)
            fmt::print("teacher {}: training-split logits {}{}\n", t.file, distill::cache_report_text(d.cache),
                       d.live ? "; augmented batches: the teacher ran on each" : "");
        report_student(r, t.gamma, s->run.json,
                       {{"teacher_alpha", t.alpha},
                        {"teacher_test_acc", t.test_acc},
                        {"teacher_forward_passes", static_cast<double>(d.teacher_forward_passes)},
                        {"teacher_cache_hit", d.cache.hit ? 1.0 : 0.0},
                        {"teacher_cache_seconds", d.cache.seconds},
                        {"teacher_compute_seconds", d.cache.compute_seconds}},
                       {{"teacher", t.file}, {"teacher_hash", t.hash}});
        return 0;
    };
}

}  // namespace lskd::cli
