#include "study/sequence_study.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "distill/checkpoint.hpp"
#include "distill/sequence_decoding.hpp"
#include "distill/sequence_run.hpp"
#include "framework/core/error.hpp"
#include "framework/core/interrupt.hpp"
#include "framework/io/atomic_text.hpp"
#include "study/decoding_analysis.hpp"
#include "study/plots.hpp"
#include "study/projection_analysis.hpp"
#include "study/sequence_report.hpp"

namespace lskd::study {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double last_metric(const distill::RunHeader& h, const std::string& name, const std::string& path) {
    const auto it = h.metrics.find(name);
    if (it == h.metrics.end() || it->second.empty())
        fail("{}: the run has no {} (a sequence run scores its test decodes at its last epoch)", path, name);
    return it->second.back();
}

std::vector<SequenceRunScores> run_scores(const SweepResult& sweep, bool g2p) {
    std::vector<SequenceRunScores> runs;
    for (const SummaryRow& row : sweep.rows) {
        const std::string path = (fs::path(sweep.directory) / row.file).string();
        const distill::RunHeader h = distill::read_run_header(path);
        runs.push_back({row, last_metric(h, g2p ? "test_wer" : "test_bleu", path),
                        last_metric(h, g2p ? "test_per" : "test_chrf", path)});
    }
    return runs;
}

// Each teacher's plane over the triple; a triple its vocabulary lacks is said in the table, not fatal.
std::vector<SequencePlane> teacher_planes(const SweepResult& sweep, const std::string& triple, bool quiet) {
    std::vector<SequencePlane> planes;
    for (const SummaryRow& row : sweep.rows) {
        if (row.role != "teacher") continue;
        throw_if_interrupted();
        if (!quiet) fmt::print(stderr, "study: template plane of {}\n", row.file);
        SequencePlane p{row.file, row.alpha, row.seed, 0, 0, {}};
        try {
            const ProjectionResult r = analyze_projection((fs::path(sweep.directory) / row.file).string(),
                                                          {triple, ProjectionVariant::affine});
            p.scatter_train = r.train.scatter_ratio;
            p.scatter_val = r.val.scatter_ratio;
        } catch (const Error& e) {
            p.error = e.what();
        }
        planes.push_back(p);
    }
    return planes;
}

// BLEU and chrF of the test split's sources taken as their translations: what a model must beat by more than
// copying (a translation corpus of UI messages shares names, options and placeholders with its sources).
std::pair<double, double> copy_baseline(const distill::RunConfig& config) {
    const data::SequenceDataset d = distill::load_sequence_run_dataset(config);
    std::vector<std::string> sources;
    for (const auto& e : d.test.examples) sources.push_back(e.source);
    const auto scores = distill::score_texts(config.dataset, sources, d.test);
    return {scores.at("bleu"), scores.at("chrf")};
}

// The decoding analysis of every teacher and student (reused where a run has it), the claims' rows and how long
// the analyses took.
void decoding_rows(const SweepResult& sweep, const std::vector<SequenceRunScores>& runs, bool quiet,
                   SequenceReport& report, std::vector<SequenceStudentRow>& students) {
    const auto started = Clock::now();
    for (const SequenceRunScores& s : runs) {
        throw_if_interrupted();
        const SummaryRow& r = s.run;
        if (r.role == "baseline") {
            students.push_back({std::nan(""), std::nan(""), r.seed, r.file, s.score, s.second, true, r.alpha});
            continue;
        }
        if (!quiet) fmt::print(stderr, "study: decoding analysis of {}\n", r.file);
        const DecodingAnalysis a =
            decoding_analysis((fs::path(sweep.directory) / r.file).string(), default_decoding_temperatures(), false);
        if (r.role == "teacher")
            report.teachers.push_back({r.alpha, r.seed, r.file, a, r.test_nll, r.test_ece});
        else
            students.push_back({r.teacher_alpha, r.temperature, r.seed, r.file, s.score, s.second, false, r.alpha});
    }
    report.decoding_seconds = seconds_since(started);
}

}  // namespace

std::string sequence_plane_triple(const std::string& dataset) {
    // The corners of the vowel triangle: frequent, and the tokens a G2P model most often confuses are vowels.
    if (dataset == "cmudict") return "aa,iy,uw";
    if (dataset == "gettext-de") return "▁der,▁die,▁das";
    return "0,1,2";
}

StudyResult run_sequence_study(const SweepConfig& config, const std::string& config_label,
                               const StudyOptions& options) {
    const auto started = Clock::now();
    return run_locked_sweep(config, options, [&](const SweepResult& sweep, StudyResult& result) {
        const auto analysis_started = Clock::now();
        SequenceReport report;
        report.g2p = distill::scored_as_g2p(config.teacher.dataset);
        report.runs = run_scores(sweep, report.g2p);
        std::vector<SequenceStudentRow> students;
        decoding_rows(sweep, report.runs, options.quiet, report, students);
        report.claims = sequence_claims(report.teachers, students);
        report.triple = sequence_plane_triple(config.teacher.dataset);
        report.planes = teacher_planes(sweep, report.triple, options.quiet);
        if (!report.g2p) report.copy_baseline = copy_baseline(config.teacher);
        report.figure = write_decoding_plot(sweep.directory, report.teachers, options.plot_script);
        result.analysed = true;
        report.setup = study_setup(config, config_label, sweep);
        report.setup.analysis_seconds = seconds_since(analysis_started);
        report.setup.seconds = seconds_since(started);
        report.setup.cpu_seconds = cpu_seconds();
        result.report = (fs::path(sweep.directory) / "report.md").string();
        io::write_text_atomic(result.report, render_sequence_report(report));
        result.seconds = report.setup.seconds;
    });
}

}  // namespace lskd::study
