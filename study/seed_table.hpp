// A markdown table of configurations measured over seeds: runs sharing the same key cells form one row, each
// column shown as its seed mean ± the half-width of its 95 % t interval (docs/method.md §13), or the one value of
// a single seed. The sequence study's teacher and student tables.
#pragma once
#include <string>
#include <vector>

namespace lskd::study {

struct SeedTableColumn {
    std::string name;
    int digits = 3;
};

// One run: the cells naming its configuration and one value per column (NaN where it has none).
struct SeedTableRun {
    std::vector<std::string> key;
    std::vector<double> values;
};

struct SeedTable {
    std::vector<std::string> key_names;
    std::vector<SeedTableColumn> columns;
    std::vector<SeedTableRun> runs;
};

// Rows in the order their keys first appear, with a "seeds" column after the keys; NaN values are left out of
// their column's mean ("–" when none is left).
std::string render_seed_table(const SeedTable& table);

// "m ± h" of the values (NaN left out): the 95 % t interval's half-width h, "m" for one value, "–" for none.
std::string seed_cell(const std::vector<double>& values, int digits);

}  // namespace lskd::study
