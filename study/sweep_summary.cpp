#include "study/sweep_summary.hpp"

#include <cmath>
#include <filesystem>
#include <functional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "distill/run_directory.hpp"
#include "framework/core/error.hpp"
#include "framework/io/atomic_file.hpp"
#include "framework/io/atomic_text.hpp"
#include "framework/io/h5_file.hpp"
#include "study/result_layout.hpp"

namespace lskd::study {
namespace {

const double kNaN = std::nan("");

struct Column {
    const char* name;
    std::function<std::string(const SummaryRow&)> text;  // string columns
    std::function<double(const SummaryRow&)> number;     // numeric columns
};

const std::vector<Column>& columns() {
    using R = SummaryRow;
    static const std::vector<Column> c = {
        {"role", [](const R& r) { return r.role; }, nullptr},
        {"model", [](const R& r) { return r.model; }, nullptr},
        {"alpha", nullptr, [](const R& r) { return r.alpha; }},
        {"teacher_alpha", nullptr, [](const R& r) { return r.teacher_alpha; }},
        {"temperature", nullptr, [](const R& r) { return r.temperature; }},
        {"beta", nullptr, [](const R& r) { return r.beta; }},
        {"loss", [](const R& r) { return r.loss; }, nullptr},
        {"seed", nullptr, [](const R& r) { return static_cast<double>(r.seed); }},
        {"gamma", nullptr, [](const R& r) { return r.gamma; }},
        {"val_acc", nullptr, [](const R& r) { return r.val_acc; }},
        {"test_acc", nullptr, [](const R& r) { return r.test_acc; }},
        {"test_nll", nullptr, [](const R& r) { return r.test_nll; }},
        {"test_ece", nullptr, [](const R& r) { return r.test_ece; }},
        {"test_examples", nullptr, [](const R& r) { return r.test_examples; }},
        {"file", [](const R& r) { return r.file; }, nullptr},
    };
    return c;
}

std::string csv_cell(const Column& col, const SummaryRow& r) {
    if (col.number) {
        const double v = col.number(r);
        return std::isnan(v) ? std::string() : fmt::format("{}", v);
    }
    const std::string s = col.text(r);
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string quoted = "\"";
    for (char ch : s) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return quoted + "\"";
}

// The rows of the final full test evaluation (outputs/test.h5, its labels' length alone); NaN for a run without one.
double test_examples(const std::string& run) {
    const std::string path = distill::RunDirectory(run).outputs("test");
    if (!std::filesystem::exists(path)) return kNaN;
    return static_cast<double>(io::H5File::open_read(path).shape("/labels").at(0));
}

double last(const distill::RunHeader& c, const char* metric) {
    const auto it = c.metrics.find(metric);
    return it == c.metrics.end() || it->second.empty() ? kNaN : it->second.back();
}

}  // namespace

SummaryRow summary_row(const PlannedRun& run, const distill::RunHeader& c) {
    SummaryRow r;
    r.role = role_name(run.role);
    r.model = c.config.model;
    r.alpha = c.config.smoothing;
    r.seed = c.config.seed;
    r.file = layout::run_entry(run.name);
    r.val_acc = last(c, "val_acc");
    r.test_acc = last(c, "test_acc");
    r.test_nll = last(c, "test_nll");
    r.test_ece = last(c, "test_ece");
    r.test_examples = test_examples(run.config.output);
    if (c.teacher) {
        r.teacher_alpha = c.teacher->alpha;
        r.temperature = c.config.temperature;
        r.beta = c.config.beta;
        r.loss = c.config.loss;
        r.gamma = c.teacher->gamma;
    } else {
        r.teacher_alpha = r.temperature = r.beta = kNaN;
        r.gamma = c.config.smoothing;
    }
    return r;
}

void write_summary(const std::string& dir, const std::vector<SummaryRow>& rows) {
    const std::string h5 = (std::filesystem::path(dir) / "summary.h5").string();
    io::atomic_write(h5, [&rows](io::H5File& f) {
        f.set_attr("/", "format", "lskd-sweep-summary/1");
        f.set_attr("/", "rows", static_cast<std::int64_t>(rows.size()));
        for (const Column& col : columns()) {
            if (col.number) {
                std::vector<double> values;
                for (const SummaryRow& r : rows) values.push_back(col.number(r));
                f.write(std::string("/") + col.name, values);
            } else {
                std::vector<std::string> values;
                for (const SummaryRow& r : rows) values.push_back(col.text(r));
                f.write_strings(std::string("/") + col.name, values);
            }
        }
    });
    std::vector<std::string> header;
    for (const Column& col : columns()) header.emplace_back(col.name);
    std::string csv = fmt::format("{}\n", fmt::join(header, ","));
    for (const SummaryRow& r : rows) {
        std::vector<std::string> cells;
        for (const Column& col : columns()) cells.push_back(csv_cell(col, r));
        csv += fmt::format("{}\n", fmt::join(cells, ","));
    }
    io::write_text_atomic((std::filesystem::path(dir) / "summary.csv").string(), csv);
}

std::string format_summary(const std::vector<SummaryRow>& rows) {
    auto num = [](double v, const char* f) {
        return std::isnan(v) ? std::string("-") : fmt::format(fmt::runtime(f), v);
    };
    std::string out = fmt::format("{:<9} {:<9} {:>6} {:>6} {:>5} {:>5} {:<9} {:>4} {:>7} {:>8} {:>8} {:>8}\n", "role",
                                  "model", "alpha", "t.alph", "T", "beta", "loss", "seed", "gamma", "test_acc",
                                  "test_nll", "test_ece");
    for (const SummaryRow& r : rows)
        out += fmt::format("{:<9} {:<9} {:>6} {:>6} {:>5} {:>5} {:<9} {:>4} {:>7.4f} {:>8.4f} {:>8.4f} {:>8.4f}\n",
                           r.role, r.model, num(r.alpha, "{}"), num(r.teacher_alpha, "{}"), num(r.temperature, "{}"),
                           num(r.beta, "{}"), r.loss.empty() ? "-" : r.loss, r.seed, r.gamma, r.test_acc, r.test_nll,
                           r.test_ece);
    return out;
}

}  // namespace lskd::study
