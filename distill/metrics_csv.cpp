#include "distill/metrics_csv.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "distill/run_directory.hpp"
#include "framework/io/atomic_text.hpp"

namespace lskd::distill {

std::string metrics_csv_path(const std::string& run_path) { return RunDirectory(run_path).metrics_csv(); }

void write_metrics_csv(const std::string& run_path, const std::map<std::string, std::vector<double>>& metrics,
                       io::BackgroundCommits* commits) {
    std::vector<std::string> names;
    if (metrics.contains("epoch")) names.emplace_back("epoch");
    std::size_t rows = 0;
    for (const auto& [name, values] : metrics) {
        if (name != "epoch") names.push_back(name);
        rows = std::max(rows, values.size());
    }
    std::string csv = fmt::format("{}\n", fmt::join(names, ","));
    std::vector<std::string> cells(names.size());
    for (std::size_t row = 0; row < rows; ++row) {
        for (std::size_t col = 0; col < names.size(); ++col) {
            const std::vector<double>& values = metrics.at(names[col]);
            cells[col] = row < values.size() && !std::isnan(values[row]) ? fmt::format("{}", values[row]) : "";
        }
        csv += fmt::format("{}\n", fmt::join(cells, ","));
    }
    if (commits != nullptr)
        commits->commit_text(metrics_csv_path(run_path), csv);
    else
        io::write_text_atomic(metrics_csv_path(run_path), csv);
}

}  // namespace lskd::distill
