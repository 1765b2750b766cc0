// What every run analysis shares on its way out: its own file RUN/analyses/<name>.h5, written atomically and by
// that analysis alone, Eigen matrices stored row-major, and a summary of the headline numbers for a table or one
// JSON line.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <Eigen/Core>

#include "framework/io/h5_file.hpp"

namespace lskd::study {

// Writes RUN/analyses/<name>.h5 (distill::RunDirectory::analysis) for the run directory `run` with what `fill`
// writes at the file's root, replacing an earlier result of that analysis by rename: the checkpoint, records,
// outputs and other analyses are not touched, and the old result stays whole if anything throws. The caller holds
// the run's lock (lskd analyze, the study); a temporary of a killed earlier attempt is removed first.
void write_analysis(const std::string& run, const std::string& name, const std::function<void(io::H5File&)>& fill);

// A double matrix as an [rows, cols] dataset in row-major order (h5py reads it as the same matrix).
void write_matrix(io::H5File& file, std::string_view path, const Eigen::Ref<const Eigen::MatrixXd>& m);
void write_vector(io::H5File& file, std::string_view path, const Eigen::Ref<const Eigen::VectorXd>& v);

// The headline numbers of one analysis, as printed by `lskd analyze ... --json`.
struct AnalysisSummary {
    std::map<std::string, double> numbers;
    std::map<std::string, std::string> strings;
};

}  // namespace lskd::study
