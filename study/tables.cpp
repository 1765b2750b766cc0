#include "study/tables.hpp"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "framework/core/error.hpp"
#include "framework/io/atomic_file.hpp"

namespace lskd::study {
namespace {

// One place that names the numeric columns, for writing and reading alike.
struct Column {
    const char* name;
    double TeacherRow::*member;
};
constexpr Column kColumns[] = {
    {"alpha", &TeacherRow::alpha},
    {"test_acc", &TeacherRow::test_acc},
    {"test_ece", &TeacherRow::ece},
    {"test_nll", &TeacherRow::nll},
    {"temperature", &TeacherRow::temperature},
    {"test_ece_scaled", &TeacherRow::ece_scaled},
    {"test_nll_scaled", &TeacherRow::nll_scaled},
    {"mi", &TeacherRow::mi},
    {"one_minus_s_train", &TeacherRow::one_minus_s_train},
    {"one_minus_s_test", &TeacherRow::one_minus_s_test},
    {"scatter_train", &TeacherRow::scatter_train},
    {"scatter_test", &TeacherRow::scatter_test},
    {"logit_gap_mean", &TeacherRow::logit_gap_mean},
    {"logit_gap_std", &TeacherRow::logit_gap_std},
};

std::string table_path(const std::string& dir) { return (std::filesystem::path(dir) / "teachers.h5").string(); }

}  // namespace

TeacherRow teacher_row(const std::string& file, std::uint64_t seed, const CalibrationResult& calibration,
                       const ProjectionResult& projection, const MiResult& mi, const ErasureResult& erasure) {
    TeacherRow r;
    r.file = file;
    r.alpha = calibration.smoothing;
    r.seed = seed;
    r.test_acc = calibration.scaling.before.accuracy;
    r.ece = calibration.scaling.before.ece;
    r.nll = calibration.scaling.before.nll;
    r.temperature = calibration.scaling.fit.temperature;
    r.ece_scaled = calibration.scaling.after.ece;
    r.nll_scaled = calibration.scaling.after.nll;
    r.mi = mi.estimate.mi.nats;
    r.one_minus_s_train = erasure.train.softmax.value;
    r.one_minus_s_test = erasure.test.softmax.value;
    r.scatter_train = projection.train.scatter_ratio;
    r.scatter_test = projection.test.scatter_ratio;
    r.logit_gap_mean = erasure.train.gaps.mean;
    r.logit_gap_std = erasure.train.gaps.stddev;
    return r;
}

void write_teacher_table(const std::string& dir, const std::vector<TeacherRow>& rows) {
    io::atomic_write(table_path(dir), [&](io::H5File& f) {
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
    const std::string csv = (std::filesystem::path(dir) / "teachers.csv").string();
    const std::string tmp = csv + ".tmp";
    {
        std::ofstream out(tmp);
        out << "file,seed";
        for (const Column& c : kColumns) out << ',' << c.name;
        out << '\n';
        for (const auto& r : rows) {
            out << r.file << ',' << r.seed;
            for (const Column& c : kColumns) out << ',' << fmt::format("{}", r.*c.member);
            out << '\n';
        }
        if (!out.flush()) fail("{}: cannot write the teacher table", tmp);
    }
    std::filesystem::rename(tmp, csv);
}

std::vector<TeacherRow> read_teacher_table(const std::string& dir) {
    const io::H5File f = io::H5File::open_read(table_path(dir));
    const auto files = f.read_strings("/file");
    const auto seeds = f.read<std::int64_t>("/seed", 1).values;
    std::vector<TeacherRow> rows(files.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        rows[i].file = files[i];
        rows[i].seed = static_cast<std::uint64_t>(seeds.at(i));
    }
    for (const Column& c : kColumns) {
        const auto values = f.read<double>(std::string("/") + c.name, 1).values;
        if (values.size() != rows.size()) fail("{}: column '{}' has {} rows, not {}", f.path(), c.name, values.size(), rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i) rows[i].*c.member = values[i];
    }
    return rows;
}

}  // namespace lskd::study
