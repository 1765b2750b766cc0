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
            if (!f.has("/metrics/eval_seconds") || !f.has("/metrics/metric_seconds")) continue;
            const double train = total(f, "train_seconds"), eval = total(f, "eval_seconds"),
                         metric = total(f, "metric_seconds");
            t.train_seconds += train;
            t.eval_seconds += eval;
            t.metric_seconds += metric;
            ++t.runs;
        } catch (const Error&) {
            continue;  // the report still renders; the count says how many runs the sums cover
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
