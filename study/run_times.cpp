#include "study/run_times.hpp"

#include <filesystem>
#include <numeric>
#include <optional>
#include <set>
#include <string>

#include <sys/resource.h>

#include "distill/checkpoint.hpp"
#include "framework/core/error.hpp"

namespace lskd::study {
namespace {

// The sum of a metric over the epochs; nullopt when the run does not record it.
std::optional<double> total(const distill::RunHeader& run, const char* metric) {
    const auto it = run.metrics.find(metric);
    if (it == run.metrics.end()) return std::nullopt;
    return std::accumulate(it->second.begin(), it->second.end(), 0.0);
}

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; }

}  // namespace

RunTimes sum_run_times(const std::string& dir, const std::vector<SummaryRow>& rows) {
    RunTimes t;
    std::set<std::string> seen;  // a teacher doubling as a baseline is one run with two rows
    for (const SummaryRow& r : rows) {
        if (!seen.insert(r.file).second) continue;
        distill::RunHeader run;
        try {
            run = distill::read_run_header((std::filesystem::path(dir) / r.file).string());
        } catch (const Error&) {
            continue;  // the report still renders; the counts say how many runs the sums cover
        }
        // The checkpoint's attributes: every run of this lskd records them.
        t.setup_seconds += run.setup_seconds;
        t.write_seconds += run.write_seconds;
        ++t.io_runs;
        // Each run adds all three phases or none, so that the count says what the sums cover.
        const auto train = total(run, "train_seconds"), eval = total(run, "eval_seconds"),
                   metric = total(run, "metric_seconds");
        if (!train || !eval || !metric) continue;
        t.train_seconds += *train;
        t.eval_seconds += *eval;
        t.metric_seconds += *metric;
        ++t.runs;
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
