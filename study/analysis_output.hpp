// What every run-file analysis shares on its way out: /analysis/<name> replaced atomically in the run file,
// Eigen matrices stored row-major, and a summary of the headline numbers for a table or one JSON line.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <Eigen/Core>

#include "framework/io/h5_file.hpp"

namespace lskd::study {

// Replaces the group /analysis/<name> of the run file at `path` with what `fill` writes into it (given the
// group's path). The file is rewritten under a temporary name: it keeps its old contents if anything throws.
void write_analysis(const std::string& path, const std::string& name,
                    const std::function<void(io::H5File&, const std::string& group)>& fill);

// A double matrix as an [rows, cols] dataset in row-major order (h5py reads it as the same matrix).
void write_matrix(io::H5File& file, std::string_view path, const Eigen::Ref<const Eigen::MatrixXd>& m);
void write_vector(io::H5File& file, std::string_view path, const Eigen::Ref<const Eigen::VectorXd>& v);

// The headline numbers of one analysis, as printed by `lskd analyze ... --json`.
struct AnalysisSummary {
    std::map<std::string, double> numbers;
    std::map<std::string, std::string> strings;
};

}  // namespace lskd::study
