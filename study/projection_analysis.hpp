// lskd analyze projection: the recorded penultimate activations of three classes projected onto the plane of
// their class templates (docs/method.md §6), with the geometry behind M's "equidistant templates" claim and a
// within/between scatter ratio of the projected points, stored for plotting in analyses/projection.h5.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "analysis/template_geometry.hpp"
#include "analysis/template_projection.hpp"
#include "study/analysis_output.hpp"

namespace lskd::study {

enum class ProjectionVariant {
    affine,  // plane through the three templates, u = Uᵀ([x, 1] − w_a) (lskd default)
    span,    // linear span of the templates, then a 2-D PCA fitted on the train points (C's script)
};
ProjectionVariant parse_projection_variant(const std::string& name);
const char* variant_name(ProjectionVariant v);

struct ProjectionOptions {
    std::string classes;  // "a,b,c" by name or index; empty: default_projection_classes(dataset)
    ProjectionVariant variant = ProjectionVariant::affine;
    std::string group = "projection";  // written to analyses/<group>.h5 (the study's second triple: projection_2)
};

struct SplitProjection {
    std::string split;
    Eigen::MatrixXd coords;  // n×2, the examples of the three classes in record order
    std::vector<int> labels;
    std::vector<std::int64_t> indices;
    analysis::TemplateDistances distances;  // in the full (D+1)-dimensional space
    double scatter_ratio = 0;               // tr(S_W)/tr(S_B) of coords
    double coord_range = 0;                 // max |coordinate|: LS panels are much smaller
};

struct ProjectionResult {
    std::string path, model, dataset;
    double smoothing = 0;
    std::int64_t epoch = 0;
    std::vector<int> classes;
    std::vector<std::string> class_names;  // of `classes`
    ProjectionVariant variant = ProjectionVariant::affine;
    std::optional<analysis::AffinePlane> affine;  // the plane used, by variant
    std::optional<analysis::SpanPlane> span;
    Eigen::Matrix<double, 3, 2> vertices;  // the templates in the 2-D coordinates
    SplitProjection train, val, test;      // the plane is fitted on train alone; M Fig. 1 shows train and val
};

// Uses the records of the last epoch, whose templates are the stored classifier; the run must have validation
// records (an Error naming the file otherwise). Checks the classes and the records before writing; on any Error
// the run directory is unchanged.
ProjectionResult analyze_projection(const std::string& path, const ProjectionOptions& options = {});

std::string format_table(const ProjectionResult& r);
AnalysisSummary summarize(const ProjectionResult& r);

}  // namespace lskd::study
