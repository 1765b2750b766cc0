#include "study/seed_table.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analysis/statistics.hpp"
#include "framework/core/error.hpp"

namespace lskd::study {

std::string seed_cell(const std::vector<double>& values, int digits) {
    std::vector<double> kept;
    std::copy_if(values.begin(), values.end(), std::back_inserter(kept), [](double v) { return !std::isnan(v); });
    if (kept.empty()) return "–";
    const analysis::Interval i = analysis::mean_interval(kept);
    if (kept.size() < 2 || !i.defined()) return fmt::format("{:.{}f}", i.estimate, digits);
    return fmt::format("{:.{}f} ± {:.{}f}", i.estimate, digits, i.high - i.estimate, digits);
}

std::string render_seed_table(const SeedTable& table) {
    struct Row {
        std::vector<std::string> key;
        std::vector<std::vector<double>> values;  // per column, per seed
    };
    std::vector<Row> rows;
    for (const SeedTableRun& run : table.runs) {
        if (run.key.size() != table.key_names.size() || run.values.size() != table.columns.size())
            fail("seed table: a run has {} keys and {} values for {} keys and {} columns", run.key.size(),
                 run.values.size(), table.key_names.size(), table.columns.size());
        auto it = std::find_if(rows.begin(), rows.end(), [&](const Row& r) { return r.key == run.key; });
        if (it == rows.end())
            it = rows.insert(rows.end(), {run.key, std::vector<std::vector<double>>(run.values.size())});
        for (std::size_t c = 0; c < run.values.size(); ++c) it->values[c].push_back(run.values[c]);
    }
    std::vector<std::string> header = table.key_names;
    header.emplace_back("seeds");
    for (const SeedTableColumn& c : table.columns) header.push_back(c.name);
    std::string s = fmt::format("| {} |\n|{}\n", fmt::join(header, " | "),
                                fmt::join(std::vector<std::string>(header.size(), "---|"), ""));
    for (const Row& r : rows) {
        std::vector<std::string> cells = r.key;
        cells.push_back(fmt::format("{}", r.values.empty() ? 0 : r.values.front().size()));
        for (std::size_t c = 0; c < table.columns.size(); ++c)
            cells.push_back(seed_cell(r.values[c], table.columns[c].digits));
        s += fmt::format("| {} |\n", fmt::join(cells, " | "));
    }
    return s;
}

}  // namespace lskd::study
