#include "study/run_times.hpp"

#include <filesystem>
#include <numeric>

#include <sys/resource.h>

#include "framework/core/error.hpp"
#include "framework/io/h5_file.hpp"

namespace lskd::study {
namespace {

double total(const io::H5File& f, const std::string& metric) {
    const std::vector<double> v = f.read<double>("/metrics/" + metric, 1).values;
    return std::accumulate(v.begin(), v.end(), 0.0);
}

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; }

}  // namespace

RunTimes sum_run_times(const std::string& dir, const std::vector<SummaryRow>& rows) {
    RunTimes t;
    for (const SummaryRow& r : rows) {
        try {
            const io::H5File f = io::H5File::open_read((std::filesystem::path(dir) / r.file).string());
            // Each file adds all it records or nothing, so that the counts say what the sums cover.
            const bool io = f.has_attr("/", "setup_seconds") && f.has_attr("/", "write_seconds");
            const double setup = io ? f.attr_double("/", "setup_seconds") : 0;
            const double write = io ? f.attr_double("/", "write_seconds") : 0;
            const bool phases = f.has("/metrics/eval_seconds") && f.has("/metrics/metric_seconds");
            const double train = phases ? total(f, "train_seconds") : 0, eval = phases ? total(f, "eval_seconds") : 0,
                         metric = phases ? total(f, "metric_seconds") : 0;
            t.setup_seconds += setup;
            t.write_seconds += write;
            t.io_runs += io ? 1 : 0;
            t.train_seconds += train;
            t.eval_seconds += eval;
            t.metric_seconds += metric;
            t.runs += phases ? 1 : 0;
        } catch (const Error&) {
            continue;  // the report still renders; the counts say how many runs the sums cover
        }
    }
    return t;
}

double cpu_seconds() {
    double s = 0;
    for (const int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
        rusage u{};
        if (getrusage(who, &u) == 0) s += seconds(u.ru_utime) + seconds(u.ru_stime);
    }
    return s;
}

}  // namespace lskd::study
