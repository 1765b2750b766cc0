#include "study/sequence_report.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "study/seed_table.hpp"

namespace lskd::study {
namespace {

std::string text(double v) { return fmt::format("{}", v); }

// WER and PER are shown in percent, as G2P papers print them.
double shown(const SequenceReport& r, double score) { return r.g2p ? 100 * score : score; }

std::vector<SeedTableColumn> score_columns(const SequenceReport& r) {
    if (r.g2p) return {{"WER %", 2}, {"PER %", 2}};
    return {{"BLEU", 2}, {"chrF", 2}};
}

std::string teacher_table(const SequenceReport& r) {
    SeedTable t{{"α"}, score_columns(r), {}};
    t.columns.insert(t.columns.end(), {{"token NLL", 4},
                                       {"NLL after TS", 4},
                                       {"token ECE", 4},
                                       {"ECE after TS", 4},
                                       {"fitted T", 3},
                                       {r.g2p ? "WER % at fitted T" : "BLEU at fitted T", 2}});
    for (const SequenceTeacherRow& d : r.teachers) {
        const auto run =
            std::find_if(r.runs.begin(), r.runs.end(), [&](const SequenceRunScores& s) { return s.run.file == d.run; });
        const double score = run == r.runs.end() ? std::nan("") : run->score;
        const double second = run == r.runs.end() ? std::nan("") : run->second;
        const DecodingAnalysis& a = d.decoding;
        t.runs.push_back({{text(d.alpha)},
                          {shown(r, score), shown(r, second), d.test_nll, a.nll_after, d.test_ece, a.ece_after,
                           a.fitted_temperature, shown(r, a.score_at_fitted)}});
    }
    return render_seed_table(t);
}

std::string student_table(const SequenceReport& r) {
    SeedTable t{{"role", "teacher α", "α", "T"}, score_columns(r), {}};
    t.columns.insert(t.columns.end(), {{"token NLL", 4}, {"token acc", 4}});
    for (const SequenceRunScores& s : r.runs) {
        if (s.run.role == "teacher") continue;
        const bool student = s.run.role == "student";
        t.runs.push_back({{s.run.role, student ? text(s.run.teacher_alpha) : "–", text(s.run.alpha),
                           student ? text(s.run.temperature) : "–"},
                          {shown(r, s.score), shown(r, s.second), s.run.test_nll, s.run.test_acc}});
    }
    return render_seed_table(t);
}

std::string plane_table(const SequenceReport& r) {
    std::string s = "| α | seed | scatter ratio (train) | scatter ratio (val) | file |\n|---|---|---|---|---|\n";
    for (const SequencePlane& p : r.planes)
        s += p.error.empty() ? fmt::format("| {} | {} | {:.3f} | {:.3f} | {} |\n", p.alpha, p.seed, p.scatter_train,
                                           p.scatter_val, p.file)
                             : fmt::format("| {} | {} | – | – | {}: {} |\n", p.alpha, p.seed, p.file, p.error);
    return s;
}

std::string time_lines(const StudySetup& setup, double decoding_seconds) {
    const RunTimes& t = setup.run_times;
    return fmt::format(
        "- time: this invocation took {:.0f} s wall, {:.0f} s CPU (getrusage, itself and its worker processes)\n"
        "  - runs (wall seconds each run measured, summed over the {} of {} runs that record them): {:.0f} s "
        "training, {:.0f} s evaluating validation and test (the last epoch's beam decodes included), {:.0f} s "
        "writing files, {:.0f} s setting runs up\n"
        "  - analyses and report (decoding analyses, template planes, copy baseline, figure; wall, this invocation): "
        "{:.0f} s, of which decoding analyses {:.0f} s\n",
        setup.seconds, setup.cpu_seconds, t.runs, setup.runs, t.train_seconds, t.eval_seconds, t.write_seconds,
        t.setup_seconds, setup.analysis_seconds, decoding_seconds);
}

std::string setup_section(const SequenceReport& r) {
    const StudySetup& setup = r.setup;
    std::string s = "## Setup\n\n";
    s += fmt::format("- config: `{}`; {} runs; seeds {}\n", setup.config, setup.runs, fmt::join(setup.seeds, ", "));
    s += fmt::format("- data: `{}`; teachers `{}`, students and baselines `{}`\n", setup.dataset, setup.teacher_model,
                     setup.student_model);
    if (!setup.overrides.empty()) s += fmt::format("- overrides of the config: {}\n", fmt::join(setup.overrides, ", "));
    s += fmt::format("- machine threads: {}; lskd {}\n", setup.threads, setup.lskd_version);
    s += time_lines(setup, r.decoding_seconds) + "\n";
    s += "<details><summary>Teacher and student recipes (effective configs)</summary>\n\n```yaml\n# teacher\n" +
         setup.teacher_recipe + "\n# student\n" + setup.student_recipe + "\n```\n</details>\n\n";
    return s;
}

}  // namespace

std::string render_sequence_report(const SequenceReport& r) {
    std::string s =
        fmt::format("# Label smoothing and distillation on sequences — lskd study on {}\n\n", r.setup.dataset);
    s += setup_section(r);
    s += "## Teachers\n\nTest split: beam decodes of the last epoch scored against every reference, and the "
         "teacher-forced token NLL and ECE (15 bins) at T = 1 and at the temperature fitted on the validation tokens "
         "(TS), with the beam decode at that T. Each cell is the seed mean ± the half-width of its 95 % t "
         "interval.\n\n";
    s += teacher_table(r) + "\n";
    s += "## Students and baselines\n\nStudents are distilled token by token from the teacher of the given α at "
         "temperature T; baselines train alone with label smoothing α.\n\n";
    s += student_table(r) + "\n";
    s += "## Decoding temperature (Figure 4's analogue)\n\nEach teacher's test split with its logits divided by T "
         "before the softmax: token NLL and ECE under teacher forcing, and the beam decode's score at each T "
         "(`analyses/decoding.h5` of each run).\n\n";
    s += r.figure.empty() ? std::string("No figure was rendered (see logs/plots.log).\n\n")
                          : fmt::format("![Figure 4 analogue]({})\n\n", r.figure);
    s += "## Claims\n\n" + claims_table(r.claims) + "\nRule: " + claims_rule_text() + "\n\n";
    if (r.copy_baseline)
        s += fmt::format("Copy baseline (each test source given as its translation): BLEU {:.2f}, chrF {:.2f}.\n\n",
                         r.copy_baseline->first, r.copy_baseline->second);
    s += fmt::format("## Template planes\n\nThe teachers' penultimate activations of the target tokens {} projected "
                     "onto the plane of their three output templates (validation records of the last epoch); the "
                     "scatter ratio is within-token over between-token scatter (lower: tighter clusters).\n\n",
                     r.triple);
    s += plane_table(r) + "\n";
    s += "All numbers are read from `summary.h5` and each run's checkpoint in `runs/`; each teacher's plane is in "
         "its `analyses/projection.h5`.\n";
    return s;
}

}  // namespace lskd::study
