#include "study/report.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analysis/statistics.hpp"
#include "study/claims_verdict.hpp"
#include "study/references.hpp"

namespace lskd::study {
namespace {

std::string number(double v, int digits) { return std::isnan(v) ? "–" : fmt::format("{:.{}f}", v, digits); }

std::string teacher_table(const std::vector<TeacherRow>& teachers) {
    std::string s =
        "| α | seed | test acc | ECE | ECE after TS | fitted T | NLL | NLL after TS | MI (nats) | MI within "
        "class | MI, 2nd pair | 1 − S (train) | 1 − S (test) "
        "| scatter ratio (train) | logit gap (train) | file |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& t : teachers)
        s += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} ± {} | {} |\n",
                         t.alpha, t.seed, number(t.test_acc, 4), number(t.ece, 4), number(t.ece_scaled, 4),
                         number(t.temperature, 3), number(t.nll, 4), number(t.nll_scaled, 4), number(t.mi, 3),
                         number(t.mi_within, 3), number(t.mi_2, 3), number(t.one_minus_s_train, 4),
                         number(t.one_minus_s_test, 4), number(t.scatter_train, 3), number(t.logit_gap_mean, 2),
                         number(t.logit_gap_std, 2), t.file);
    return s;
}

std::string run_table(const std::vector<study::SummaryRow>& runs) {
    std::string s = "| role | teacher α | α | T | γ | loss | seed | test acc | test NLL | test ECE | file |\n"
                    "|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& r : runs) {
        if (r.role == "teacher") continue;
        const bool student = r.role == "student";
        s += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", r.role,
                         student ? fmt::format("{}", r.teacher_alpha) : "–", r.alpha,
                         student ? fmt::format("{}", r.temperature) : "–", number(r.gamma, 4), student ? r.loss : "–",
                         r.seed, number(r.test_acc, 4), number(r.test_nll, 4), number(r.test_ece, 4), r.file);
    }
    return s;
}

// Seed mean ± std, min and max of each configuration's accuracies: the unit of replication is the seed (§13).
std::string group_table(const std::vector<study::SummaryRow>& runs) {
    struct Group {
        std::string role, teacher_alpha, alpha, temperature;
        std::vector<double> val, test;
    };
    std::vector<Group> groups;
    for (const auto& r : runs) {
        const bool student = r.role == "student";
        Group key{r.role,
                  student ? fmt::format("{}", r.teacher_alpha) : "–",
                  fmt::format("{}", r.alpha),
                  student ? fmt::format("{}", r.temperature) : "–",
                  {},
                  {}};
        auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) {
            return g.role == key.role && g.teacher_alpha == key.teacher_alpha && g.alpha == key.alpha &&
                   g.temperature == key.temperature;
        });
        if (it == groups.end()) it = groups.insert(groups.end(), key);
        it->val.push_back(100 * r.val_acc);
        it->test.push_back(100 * r.test_acc);
    }
    const auto cell = [](const std::vector<double>& v) {
        const analysis::GroupSummary s = analysis::summarize(v);
        const std::string spread = s.n < 2 ? "" : " ± " + number(s.stddev, 2);
        return fmt::format("{}{} | {} | {}", number(s.mean, 2), spread, number(s.min, 2), number(s.max, 2));
    };
    std::string s =
        "| role | teacher α | α | T | seeds | val acc % (mean ± std) | min | max | test acc % (mean ± std) | min "
        "| max |\n|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& g : groups)
        s += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", g.role, g.teacher_alpha, g.alpha, g.temperature,
                         g.test.size(), cell(g.val), cell(g.test));
    return s;
}

// Wall and CPU time, and the CPU time taken apart into named phases with what remains unattributed.
std::string time_section(const StudySetup& setup) {
    const RunTimes& t = setup.run_times;
    std::string s = fmt::format("- time: this invocation took {:.0f} s wall, {:.0f} s CPU (getrusage, itself and its "
                                "worker processes); where the CPU time went:\n",
                                setup.seconds, setup.cpu_seconds);
    s += fmt::format("  - run phases, each the wall seconds a run measured, summed over the {} of {} runs that "
                     "record them (whenever they were trained): {:.0f} s training, {:.0f} s evaluating validation and "
                     "test, {:.0f} s estimating MI\n",
                     t.runs, setup.runs, t.train_seconds, t.eval_seconds, t.metric_seconds);
    s +=
        fmt::format("  - run overheads, likewise over the {} of {} runs that record them: {:.0f} s writing files "
                    "(taking the activation records and writing each epoch's checkpoint and records), {:.0f} s setting "
                    "runs up (output lock, model, record subsets; a resume's reading of its checkpoint)\n",
                    t.io_runs, setup.runs, t.write_seconds, t.setup_seconds);
    s += fmt::format("  - analysing: {:.0f} s analysing teachers and drawing figures (wall, this invocation)\n",
                     setup.analysis_seconds);
    const double named = t.train_seconds + t.eval_seconds + t.metric_seconds + t.write_seconds + t.setup_seconds +
                         setup.analysis_seconds;
    const double rest = setup.cpu_seconds - named;
    s += fmt::format("  - named parts {:.0f} s; unattributed {:.0f} s of the CPU time: loading the data sets, the "
                     "students' teacher logits, starting worker processes, the sweep's summaries and this report{}\n",
                     named, rest,
                     rest < 0 ? " — negative: the run parts are wall seconds, which also count a run's waits for a "
                                "CPU or for the disk, and may include runs an earlier invocation trained"
                              : "; and the CPU seconds that runs of several threads spent beyond their wall seconds");
    return s;
}

// Which seeds chose the design and whether these runs replicate it on others: a confirmation.
std::string seeds_line(const StudySetup& setup) {
    std::string s = fmt::format("- seeds {}, each a whole replicate{}", fmt::join(setup.seeds, ", "),
                                setup.data_per_seed ? " that also draws its validation split and data subsets"
                                                    : " on the same data (data-subset: fixed)");
    if (setup.design_seeds.empty()) return s + "; the config does not say which seeds chose its design\n";
    const bool disjoint = std::none_of(setup.seeds.begin(), setup.seeds.end(), [&](std::uint64_t x) {
        return std::find(setup.design_seeds.begin(), setup.design_seeds.end(), x) != setup.design_seeds.end();
    });
    return s + fmt::format("; the design was chosen looking at seed{} {}: {}\n",
                           setup.design_seeds.size() > 1 ? "s" : "", fmt::join(setup.design_seeds, ", "),
                           disjoint ? "**a confirmation run** on seeds not used to design it"
                                    : "these runs include those seeds, so their intervals are not a confirmation");
}

std::string escape_cell(const std::string& text) {
    std::string out;
    for (char ch : text) out += ch == '|' ? std::string("\\|") : std::string(1, ch);
    return out;
}

// What an image folder's scan and decoding left out, and where its splits came from; nothing for other data.
std::string folder_line(const StudySetup& setup) {
    if (!setup.folder) return {};
    const data::FolderSummary& f = *setup.folder;
    return fmt::format("- image folder: {}{}; {} undecodable image(s) left out (skip-bad-images); {} hidden folder(s) "
                       "and {} hidden file(s) passed over, which torchvision would read; {} file(s) without an image "
                       "extension\n",
                       f.splits, f.streamed ? "; streamed from the files batch by batch (image-stream)" : "",
                       f.bad_images, f.scan.hidden_folders, f.scan.hidden_files, f.scan.other_files);
}

}  // namespace

std::string claims_table(const std::vector<Claim>& claims) {
    std::string s = "| id | claim | source | verdict | deciding numbers (95 % intervals) | MDE | runs used |\n"
                    "|---|---|---|---|---|---|---|\n";
    std::size_t decided = 0;
    for (const auto& c : claims) {
        s += fmt::format("| {} | {} | {} | **{}** | {} | {} | {} |\n", c.id, escape_cell(c.statement), c.source,
                         verdict_name(c.verdict), c.numbers.empty() ? "–" : escape_cell(c.numbers),
                         c.mde.empty() ? "–" : c.mde, escape_cell(c.runs));
        if (c.id != "MS" && c.verdict != Verdict::undecided) ++decided;
    }
    s += fmt::format("\nFamily-wise: {} claims decided at 5 % each, so the chance that one or more of these verdicts "
                     "is wrong is at most {:.2f} (Bonferroni bound; Holm is not applied, docs/method.md §13 says "
                     "why). MDE: the effect each comparison would detect with 80 % power at these seeds.\n",
                     decided, 0.05 * static_cast<double>(decided));
    return s;
}

// The setup section: config, seeds, data, models, precision, time and the effective recipes.
std::string setup_section(const StudySetup& setup, const std::vector<TeacherRow>& teachers) {
    std::string s = "## Setup\n\n";
    s += fmt::format("- config: `{}`; {} runs\n", setup.config, setup.runs);
    s += seeds_line(setup);
    s += fmt::format(
        "- data: `{}` from {}\n", setup.dataset,
        setup.data_dir.empty() ? std::string("its default directory") : fmt::format("`{}`", setup.data_dir));
    s += folder_line(setup);
    if (!setup.overrides.empty()) {
        std::vector<std::string> quoted;
        for (const std::string& o : setup.overrides) quoted.push_back(fmt::format("`{}`", o));
        s += fmt::format("- overrides of the config: {}\n", fmt::join(quoted, ", "));
    }
    s += fmt::format("- teachers: `{}` at α ∈ {{{}}}; students: `{}`\n", setup.teacher_model,
                     fmt::join(
                         [&] {
                             std::set<double> a;  // every seed has each α once: list each α once
                             for (const auto& t : teachers) a.insert(t.alpha);
                             return a;
                         }(),
                         ", "),
                     setup.student_model);
    s += fmt::format("- compute precision: {}\n", setup.precision.empty() ? "f32" : setup.precision);
    s += fmt::format("- machine threads: {}; lskd {}\n", setup.threads, setup.lskd_version);
    s += time_section(setup) + "\n";
    s += "<details><summary>Teacher and student recipes (effective configs)</summary>\n\n```yaml\n# teacher\n" +
         setup.teacher_recipe + "\n# student\n" + setup.student_recipe + "\n```\n</details>\n\n";
    return s;
}

std::string render_report(const StudySetup& setup, const std::vector<TeacherRow>& teachers,
                          const std::vector<study::SummaryRow>& runs, const std::vector<Claim>& claims,
                          const std::vector<std::string>& plots) {
    std::string s = fmt::format("# When does label smoothing help? — lskd study on {}\n\n", setup.dataset);
    s += setup_section(setup, teachers);

    s += "## Teachers\n\nTest split; temperature scaling (TS) fitted on the validation split; MI is the estimate of "
         "I(example; z_a − z_b) under augmentation at the end of training (0 ≤ Î ≤ log N; two bare class clusters "
         "give log 2 ≈ 0.693); 1 − S is Shen et al.'s intra-class variance of the softmax outputs (lower: more "
         "erasure); MI within class is the same estimator on each class's N/2 examples alone, averaged over the "
         "pair's two classes (what the logits say about an example beyond its class); the scatter ratio is "
         "within-class over between-class scatter of the template-plane projection "
         "of the first triple the figures show (Fashion-MNIST: Trouser, Bag, Sneaker; lower: tighter clusters); MI, "
         "2nd pair is Î of the second pair of the teachers' mi-classes; the logit gap is correct minus incorrect "
         "logit, mean ± std.\n\n";
    s += teacher_table(teachers) + "\n";
    if (!setup.mi_bias_table.empty())
        s += fmt::format(
            "### The MI estimator's bias at this study's N = {} and L = {}\n\nÎ − I(X; Y) on synthetic two-class "
            "Gaussian mixtures whose I(X; Y) is known by quadrature (analysis/mi_bias.hpp: classes at ±4 noise units, "
            "8 draws of the views averaged), homoscedastic and with the noise doubling at the class centres. A "
            "difference of Î between teachers is biased by the difference of their biases, at most the spread of "
            "this table; M9's minimum effect is {} nats.\n\n{}\n",
            setup.mi_examples, setup.mi_views, kMi.min_effect, setup.mi_bias_table);
    s += "## Students and baselines\n\nStudents are distilled from the teacher of the given α at temperature T; "
         "γ is the equivalent label smoothing of their targets (the teacher's mean wrong-class mass at T, "
         "rescaled; γ = α for baselines, which are trained with label smoothing and no teacher).\n\n";
    s += run_table(runs) + "\n";
    s += "## Seed groups\n\nEach configuration over its seeds: mean ± standard deviation, minimum and maximum.\n\n";
    s += group_table(runs) + "\n";

    const std::string references = reference_table(published_references(), setup.dataset, setup.teacher_model,
                                                   setup.student_model, teachers, runs);
    if (!references.empty())
        s += "## Published numbers\n\nThe paper's figures for this data set and model (configs/references.yaml) beside "
             "this study's seed mean ± std of the same quantity.\n\n" +
             references + "\n";

    s += "## Claims\n\n";
    s += claims_table(claims);
    s += "\nRule: " + claims_rule_text() + "\n";
    s += "\n## Figures\n\n";
    if (plots.empty()) s += "No figures were rendered (see the study's log).\n";
    for (const auto& p : plots) s += fmt::format("![{}]({})\n\n", p, p);
    s += "\nAll numbers above are read from `summary.h5` (runs) and `teachers.h5` (teacher analyses) in this "
         "directory; every run in `runs/` holds its own records and analyses (`records/`, `analyses/`).\n";
    return s;
}

}  // namespace lskd::study
