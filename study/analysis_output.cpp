#include "study/analysis_output.hpp"

#include "framework/io/atomic_file.hpp"

namespace lskd::study {

void write_analysis(const std::string& path, const std::string& name,
                    const std::function<void(io::H5File&, const std::string& group)>& fill) {
    const std::string group = "/analysis/" + name;
    io::update_atomic(path, [&](io::H5File& f) {
        // A rerun with other parameters must not leave datasets of the previous one behind.
        if (f.has(group)) f.remove(group);
        f.create_group(group);
        f.set_attr(group, "lskd_version", LSKD_VERSION);
        fill(f, group);
    });
}

void write_matrix(io::H5File& file, std::string_view path, const Eigen::Ref<const Eigen::MatrixXd>& m) {
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = m;
    file.write(path, rows.data(), io::Dims{rows.rows(), rows.cols()});
}

void write_vector(io::H5File& file, std::string_view path, const Eigen::Ref<const Eigen::VectorXd>& v) {
    const Eigen::VectorXd copy = v;
    file.write(path, copy.data(), io::Dims{copy.size()});
}

}  // namespace lskd::study
