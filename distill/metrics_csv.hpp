// metrics.csv in a run directory: its checkpoint's /metrics as a table, one row per epoch, for watching a run's curves
// while it trains (docs/run-file.md). Rewritten whole after every epoch from the run's metrics, so a resumed run's
// table is the file's epochs, never a duplicate row.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "framework/io/background_commits.hpp"

namespace lskd::distill {

// The table's path for the run at `run_path`.
std::string metrics_csv_path(const std::string& run_path);

// Writes the table atomically: a header of the metric names ("epoch" first, the rest in name order), then one row
// per epoch; NaN is an empty cell.
// With `commits`, the move into place finishes in the background.
void write_metrics_csv(const std::string& run_path, const std::map<std::string, std::vector<double>>& metrics,
                       io::BackgroundCommits* commits = nullptr);

}  // namespace lskd::distill
