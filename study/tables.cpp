#include "study/tables.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "framework/core/error.hpp"
#include "framework/io/atomic_file.hpp"
#include "framework/io/atomic_text.hpp"

namespace lskd::study {
namespace {

// One place that names the numeric columns, for writing and reading alike.
struct Column {
    const char* name;
    double TeacherRow::*member;
};
constexpr Column kColumns[] = {
    {"alpha", &TeacherRow::alpha},
    {"val_acc", &TeacherRow::val_acc},
    {"test_acc", &TeacherRow::test_acc},
    {"test_examples", &TeacherRow::test_examples},
    {"num_classes", &TeacherRow::num_classes},
    {"test_ece", &TeacherRow::ece},
    {"test_nll", &TeacherRow::nll},
    {"temperature", &TeacherRow::temperature},
    {"test_ece_scaled", &TeacherRow::ece_scaled},
    {"test_nll_scaled", &TeacherRow::nll_scaled},
    {"mi", &TeacherRow::mi},
    {"mi_2", &TeacherRow::mi_2},
    {"mi_within", &TeacherRow::mi_within},
    {"one_minus_s_train", &TeacherRow::one_minus_s_train},
    {"one_minus_s_test", &TeacherRow::one_minus_s_test},
    {"scatter_train", &TeacherRow::scatter_train},
    {"scatter_test", &TeacherRow::scatter_test},
    {"logit_gap_mean", &TeacherRow::logit_gap_mean},
    {"logit_gap_std", &TeacherRow::logit_gap_std},
    {"mi_first", &TeacherRow::mi_first},
    {"mi_peak", &TeacherRow::mi_peak},
    {"mi_last", &TeacherRow::mi_last},
};

// Raised whenever the columns change: a table of another format is analysed again rather than misread.
constexpr const char* kFormat = "lskd-teacher-table/4";

std::string table_path(const std::string& dir) { return (std::filesystem::path(dir) / "teachers.h5").string(); }

const double kNaN = std::nan("");

double last(const distill::RunHeader& run, const char* metric) {
    const auto it = run.metrics.find(metric);
    return it == run.metrics.end() || it->second.empty() ? kNaN : it->second.back();
}

// The estimates in training order: the early points (before and within the first epoch), then the epochs that
// have one (the `mi` metric is NaN on the others).
std::vector<double> mi_trajectory(const distill::RunHeader& run) {
    std::vector<double> out;
    if (const auto it = run.early_metrics.find("mi"); it != run.early_metrics.end())
        for (double v : it->second)
            if (!std::isnan(v)) out.push_back(v);
    if (const auto it = run.metrics.find("mi"); it != run.metrics.end())
        for (double v : it->second)
            if (!std::isnan(v)) out.push_back(v);
    return out;
}

}  // namespace

TeacherRow teacher_row(const std::string& file, const distill::RunHeader& run, const CalibrationResult& calibration,
                       const ProjectionResult& projection, const std::vector<MiResult>& mi,
                       const ErasureResult& erasure) {
    TeacherRow r;
    r.file = file;
    r.alpha = calibration.smoothing;
    r.seed = run.config.seed;
    r.val_acc = last(run, "val_acc");
    r.test_examples = static_cast<double>(calibration.report_examples);
    r.num_classes = static_cast<double>(run.num_classes);
    r.test_acc = calibration.scaling.before.accuracy;
    r.ece = calibration.scaling.before.ece;
    r.nll = calibration.scaling.before.nll;
    r.temperature = calibration.scaling.fit.temperature;
    r.ece_scaled = calibration.scaling.after.ece;
    r.nll_scaled = calibration.scaling.after.nll;
    r.mi = mi.empty() ? kNaN : mi[0].estimate.mi.nats;
    r.mi_2 = mi.size() < 2 ? kNaN : mi[1].estimate.mi.nats;
    r.mi_within = mi.empty() ? kNaN : (mi[0].estimate.within[0].nats + mi[0].estimate.within[1].nats) / 2;
    r.one_minus_s_train = erasure.train.softmax.value;
    r.one_minus_s_test = erasure.test.softmax.value;
    r.scatter_train = projection.train.scatter_ratio;
    r.scatter_test = projection.test.scatter_ratio;
    r.logit_gap_mean = erasure.train.gaps.mean;
    r.logit_gap_std = erasure.train.gaps.stddev;
    const std::vector<double> trajectory = mi_trajectory(run);
    r.mi_first = trajectory.empty() ? kNaN : trajectory.front();
    r.mi_peak = trajectory.size() < 3 ? kNaN : *std::max_element(trajectory.begin() + 1, trajectory.end() - 1);
    r.mi_last = trajectory.empty() ? kNaN : trajectory.back();
    return r;
}

void write_teacher_table(const std::string& dir, const std::vector<TeacherRow>& rows) {
    io::atomic_write(table_path(dir), [&](io::H5File& f) {
        f.set_attr("/", "format", kFormat);
        std::vector<std::string> files;
        std::vector<std::int64_t> seeds;
        for (const auto& r : rows) {
            files.push_back(r.file);
            seeds.push_back(static_cast<std::int64_t>(r.seed));
        }
        f.write_strings("/file", files);
        f.write("/seed", seeds);
        for (const Column& c : kColumns) {
            std::vector<double> values;
            for (const auto& r : rows) values.push_back(r.*c.member);
            f.write(std::string("/") + c.name, values);
        }
    });
    std::string csv = "file,seed";
    for (const Column& c : kColumns) csv += fmt::format(",{}", c.name);
    csv += '\n';
    for (const auto& r : rows) {
        csv += fmt::format("{},{}", r.file, r.seed);
        for (const Column& c : kColumns) csv += fmt::format(",{}", r.*c.member);
        csv += '\n';
    }
    io::write_text_atomic((std::filesystem::path(dir) / "teachers.csv").string(), csv);
}

std::vector<TeacherRow> read_teacher_table(const std::string& dir) {
    const io::H5File f = io::H5File::open_read(table_path(dir));
    if (!f.has_attr("/", "format") || f.attr_string("/", "format") != kFormat) return {};
    const auto files = f.read_strings("/file");
    const auto seeds = f.read<std::int64_t>("/seed", 1).values;
    std::vector<TeacherRow> rows(files.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        rows[i].file = files[i];
        rows[i].seed = static_cast<std::uint64_t>(seeds.at(i));
    }
    for (const Column& c : kColumns) {
        const auto values = f.read<double>(std::string("/") + c.name, 1).values;
        if (values.size() != rows.size())
            fail("{}: column '{}' has {} rows, not {}", f.path(), c.name, values.size(), rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i) rows[i].*c.member = values[i];
    }
    return rows;
}

}  // namespace lskd::study
