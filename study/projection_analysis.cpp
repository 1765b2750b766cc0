#include "study/projection_analysis.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "distill/class_selection.hpp"
#include "framework/core/error.hpp"
#include "study/class_selection.hpp"
#include "study/run_records.hpp"

namespace lskd::study {
namespace {

constexpr const char* kAffineConstruction =
    "affine plane through the class templates w_k = [W_k, b_k]: U = Gram-Schmidt(w_b - w_a, w_c - w_a), "
    "coordinates u = U^T([x, 1] - w_a); the templates sit at U^T(w_k - w_a): (0, 0), (|w_b - w_a|, 0), (., > 0)";
constexpr const char* kSpanConstruction =
    "linear span of the class templates w_k = [W_k, b_k]: Q = thin QR of [w_a w_b w_c], 3-D coordinates "
    "Q^T[x, 1], then a 2-D PCA fitted on the train points plus the three class centroids and reused for "
    "validation and test";

struct Selection {
    RowMatrixF penultimate;
    std::vector<int> labels;
    std::vector<std::int64_t> indices;
};

// The records of the three classes, each of which must be present.
Selection select(const distill::StoredOutputs& r, const std::vector<int>& classes,
                 const std::vector<std::string>& names, const std::string& path) {
    const std::vector<std::int32_t>& labels = r.outputs.labels;
    const auto penultimate = as_matrix(r.outputs.penultimate);
    std::vector<Eigen::Index> rows;
    for (int c : classes) {
        const auto n = std::count(labels.begin(), labels.end(), c);
        if (n == 0)
            fail("{}: the {} records hold no example of class '{}'", path, r.split, names[static_cast<std::size_t>(c)]);
    }
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (std::find(classes.begin(), classes.end(), labels[i]) != classes.end())
            rows.push_back(static_cast<Eigen::Index>(i));
    Selection s;
    s.penultimate.resize(static_cast<Eigen::Index>(rows.size()), penultimate.cols());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        s.penultimate.row(static_cast<Eigen::Index>(i)) = penultimate.row(rows[i]);
        s.labels.push_back(labels[static_cast<std::size_t>(rows[i])]);
        s.indices.push_back(r.outputs.indices[static_cast<std::size_t>(rows[i])]);
    }
    return s;
}

// The stored classifier is that of the last epoch: records of another epoch (an interrupted run) would be
// projected onto the wrong templates, which shows as logits that the templates do not reproduce.
void check_templates_match(const RecordedRun& run) {
    if (run.epoch != run.epochs_done)
        fail("{}: the templates are those of epoch {} but the last records are of epoch {}", run.path, run.epochs_done,
             run.epoch);
    for (const distill::StoredOutputs* r : {&run.train, &*run.val, &run.test}) {
        const auto logits = as_matrix(r->outputs.logits);
        const RowMatrixF z =
            (as_matrix(r->outputs.penultimate) * run.weight.transpose()).rowwise() + run.bias.transpose();
        const float scale = 1.0f + logits.cwiseAbs().maxCoeff();
        if ((z - logits).cwiseAbs().maxCoeff() > 1e-3f * scale)
            fail("{}: the {} records of epoch {} do not match the stored classifier", run.path, r->split, run.epoch);
    }
}

SplitProjection project_split(const ProjectionResult& p, const RecordedRun& run,
                              const distill::StoredOutputs& records) {
    const Selection s = select(records, p.classes, run.class_names, run.path);
    SplitProjection out;
    out.split = records.split;
    out.coords = p.affine ? analysis::project(*p.affine, s.penultimate) : project(*p.span, s.penultimate);
    out.labels = s.labels;
    out.indices = s.indices;
    out.distances = analysis::template_distances(s.penultimate, s.labels, run.weight, run.bias, p.classes);
    out.scatter_ratio = analysis::scatter_ratio(out.coords, s.labels, p.classes);
    out.coord_range = out.coords.cwiseAbs().maxCoeff();
    return out;
}

void write_split(io::H5File& f, const std::string& group, const SplitProjection& s) {
    write_matrix(f, group + "/coords", s.coords);
    f.write(group + "/labels", std::vector<std::int32_t>(s.labels.begin(), s.labels.end()));
    f.write(group + "/indices", s.indices);
    std::vector<std::int64_t> count;
    std::vector<double> own, others_mean, others_std, others_rel, others_gap;
    Eigen::MatrixXd mean(3, 3);
    for (std::size_t i = 0; i < 3; ++i) {
        const analysis::ClassTemplateDistances& d = s.distances.per_class[i];
        count.push_back(d.count);
        own.push_back(d.own);
        others_mean.push_back(d.others_mean);
        others_std.push_back(d.others_std);
        others_rel.push_back(d.others_relative_difference);
        others_gap.push_back(d.others_mean_relative_gap);
        for (std::size_t j = 0; j < 3; ++j)
            mean(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = d.mean[j];
    }
    f.write(group + "/count", count);
    write_matrix(f, group + "/distance_mean", mean);
    f.write(group + "/own_distance", own);
    f.write(group + "/others_distance_mean", others_mean);
    f.write(group + "/others_distance_std", others_std);
    f.write(group + "/others_relative_difference", others_rel);
    f.write(group + "/others_mean_relative_gap", others_gap);
    f.set_attr(group, "scatter_ratio", s.scatter_ratio);
    f.set_attr(group, "coord_range", s.coord_range);
}

}  // namespace

ProjectionVariant parse_projection_variant(const std::string& name) {
    if (name == "affine") return ProjectionVariant::affine;
    if (name == "span") return ProjectionVariant::span;
    fail("unknown projection variant '{}' (affine or span)", name);
}

const char* variant_name(ProjectionVariant v) { return v == ProjectionVariant::affine ? "affine" : "span"; }

ProjectionResult analyze_projection(const std::string& path, const ProjectionOptions& options) {
    const RecordedRun run = read_recorded_run(path);
    const distill::StoredOutputs& val = validation_records(run);
    check_templates_match(run);
    ProjectionResult p;
    p.path = path;
    p.model = run.model;
    p.dataset = run.dataset;
    p.smoothing = run.smoothing;
    p.epoch = run.epoch;
    p.classes = distill::resolve_classes(
        options.classes.empty() ? default_projection_classes(run.dataset) : options.classes, run.class_names, 3);
    for (int c : p.classes) p.class_names.push_back(run.class_names[static_cast<std::size_t>(c)]);
    p.variant = options.variant;
    if (p.variant == ProjectionVariant::affine) {
        p.affine = analysis::affine_template_plane(run.weight, run.bias, p.classes);
        p.vertices = p.affine->vertices;
    } else {
        const Selection fit = select(run.train, p.classes, run.class_names, path);
        p.span = analysis::fit_span_plane(run.weight, run.bias, p.classes, fit.penultimate, fit.labels);
        p.vertices = p.span->vertices;
    }
    p.train = project_split(p, run, run.train);
    p.val = project_split(p, run, val);
    p.test = project_split(p, run, run.test);

    write_analysis(path, options.group, [&](io::H5File& f) {
        f.set_attr("/", "variant", variant_name(p.variant));
        f.set_attr("/", "construction", p.affine ? kAffineConstruction : kSpanConstruction);
        f.set_attr("/", "epoch", p.epoch);
        f.set_attr("/", "alpha", p.smoothing);
        f.set_attr("/", "class_names", p.class_names);
        f.set_attr("/", "distances", "Euclidean, in the full space between [x, 1] and w_k");
        f.set_attr("/", "scatter_ratio", "tr(S_W) / tr(S_B) of the 2-D coordinates");
        f.write("/classes", std::vector<std::int32_t>(p.classes.begin(), p.classes.end()));
        write_matrix(f, "/vertices", p.vertices);
        if (p.affine) {
            write_matrix(f, "/basis", p.affine->basis);
            write_vector(f, "/origin", p.affine->origin);
        } else {
            write_matrix(f, "/basis", p.span->basis);
            write_vector(f, "/pca_mean", p.span->mean);
            write_matrix(f, "/pca_axes", p.span->axes);
            write_vector(f, "/explained_variance", p.span->explained_variance);
        }
        write_split(f, "/train", p.train);
        write_split(f, "/val", p.val);
        write_split(f, "/test", p.test);
    });
    return p;
}

std::string format_table(const ProjectionResult& r) {
    std::string out = fmt::format("projection: {} ({}, {}, alpha {}), {} plane, records of epoch {}\n", r.path, r.model,
                                  r.dataset, r.smoothing, variant_name(r.variant), r.epoch);
    out += "template vertices:";
    for (int i = 0; i < 3; ++i)
        out += fmt::format("  {} ({:.3f}, {:.3f})", r.class_names[static_cast<std::size_t>(i)], r.vertices(i, 0),
                           r.vertices(i, 1));
    out += fmt::format("\n{:<6} {:<14} {:>5} {:>10} {:>12} {:>12} {:>12}\n", "split", "class", "n", "own dist",
                       "others mean", "others rel.", "per-example");
    out +=
        fmt::format("{:<6} {:<14} {:>5} {:>10} {:>12} {:>12} {:>12}\n", "", "", "", "", "", "difference", "rel. gap");
    for (const SplitProjection* s : {&r.train, &r.val, &r.test})
        for (std::size_t i = 0; i < 3; ++i) {
            const analysis::ClassTemplateDistances& d = s->distances.per_class[i];
            out += fmt::format("{:<6} {:<14} {:>5} {:>10.3f} {:>12.3f} {:>12.4f} {:>12.4f}\n", s->split,
                               r.class_names[i], d.count, d.own, d.others_mean, d.others_relative_difference,
                               d.others_mean_relative_gap);
        }
    for (const SplitProjection* s : {&r.train, &r.val, &r.test})
        out += fmt::format("{:<6} scatter ratio within/between {:.4f}, coordinate range {:.3f}\n", s->split,
                           s->scatter_ratio, s->coord_range);
    return out;
}

AnalysisSummary summarize(const ProjectionResult& r) {
    AnalysisSummary s;
    s.numbers = {{"alpha", r.smoothing}, {"epoch", static_cast<double>(r.epoch)}};
    for (const SplitProjection* p : {&r.train, &r.val, &r.test}) {
        s.numbers[p->split + "_scatter_ratio"] = p->scatter_ratio;
        s.numbers[p->split + "_coord_range"] = p->coord_range;
        double own = 0, rel = 0;
        for (const analysis::ClassTemplateDistances& d : p->distances.per_class) {
            own += d.own / 3;
            rel += d.others_relative_difference / 3;
        }
        s.numbers[p->split + "_own_distance"] = own;
        s.numbers[p->split + "_others_relative_difference"] = rel;
    }
    std::string names;
    for (const std::string& n : r.class_names) names += (names.empty() ? "" : ",") + n;
    s.strings = {{"run", r.path},
                 {"model", r.model},
                 {"dataset", r.dataset},
                 {"classes", names},
                 {"variant", variant_name(r.variant)}};
    return s;
}

}  // namespace lskd::study
