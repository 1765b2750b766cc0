#include "study/analysis_output.hpp"

#include "distill/run_directory.hpp"
#include "framework/io/atomic_file.hpp"
#include "framework/io/file_lock.hpp"
#include "framework/io/output_policy.hpp"

namespace lskd::study {

void write_analysis(const std::string& run, const std::string& name, const std::function<void(io::H5File&)>& fill) {
    const distill::RunDirectory dir(run);
    const std::string path = dir.analysis(name);
    io::make_output_directory(dir.analyses_dir());
    io::remove_dead_temporaries(path);
    io::atomic_write(path, [&](io::H5File& f) {
        f.set_attr("/", "lskd_version", LSKD_VERSION);
        f.set_attr("/", "analysis", name);
        fill(f);
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
