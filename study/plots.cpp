#include "study/plots.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>

#include <fmt/format.h>

#include "framework/core/error.hpp"
#include "framework/io/atomic_file.hpp"
#include "framework/io/output_policy.hpp"
#include "framework/runtime/install_paths.hpp"
#include "study/child_process.hpp"
#include "study/result_layout.hpp"

namespace lskd::study {

namespace fs = std::filesystem;

std::string default_plot_script() { return runtime::shipped_file("plot/lskd_plot.py").string(); }

int run_plot_tool(const std::string& script, const std::vector<std::string>& args, const std::string& log_path) {
    if (!fs::is_regular_file(script)) fail("{}: the plotting tool does not exist", script);
    if (!fs::exists(kPlotPython)) fail("{}: cannot run the plotting tool: {} is not installed", script, kPlotPython);
    std::vector<std::string> argv{kPlotPython, script};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_child(argv, log_path);
}

namespace {

// Runs the plotting tool on `args` with its log in <dir>/logs/plots.log, after `prepare` (which may throw an Error);
// on any failure prints one line saying there is no `what`, naming the script, the reason and the log, and returns
// false.
bool run_logged(const std::string& dir, const std::string& given_script, const std::vector<std::string>& args,
                const char* what, const std::function<void()>& prepare) {
    const fs::path log = fs::path(layout::logs_dir(dir)) / "plots.log";
    std::string script = given_script;
    int code = 0;
    try {
        prepare();
        io::make_output_directory(log.parent_path().string());
        if (script.empty()) script = default_plot_script();
        code = run_plot_tool(script, args, log.string());
    } catch (const Error& e) {
        fmt::print(stderr, "study: no {}: {}\n", what, e.what());
        return false;
    }
    if (code != 0) {
        fmt::print(stderr, "study: no {}: {}: the plotting tool failed with exit status {}; see {}\n", what, script,
                   code, log.string());
        return false;
    }
    return true;
}

}  // namespace

std::vector<std::string> render_plots(const std::string& dir, const std::string& given_script) {
    const fs::path plots = fs::path(dir) / "plots";
    if (!run_logged(dir, given_script, {"study", dir, "--out", plots.string()}, "figures", [] {})) return {};
    std::vector<std::string> names;
    if (fs::is_directory(plots))
        for (const auto& entry : fs::recursive_directory_iterator(plots))
            if (entry.path().extension() == ".png") names.push_back(fs::relative(entry.path(), dir).string());
    std::sort(names.begin(), names.end());
    return names;
}

namespace {

void write_decoding_table(const std::string& path, const std::vector<SequenceTeacherRow>& teachers) {
    std::vector<double> alpha, temperature, nll, ece, score, second;
    std::vector<std::int64_t> seed;
    for (const SequenceTeacherRow& t : teachers)
        for (const DecodingPoint& p : t.decoding.sweep) {
            alpha.push_back(t.alpha);
            seed.push_back(static_cast<std::int64_t>(t.seed));
            temperature.push_back(p.temperature);
            nll.push_back(p.nll);
            ece.push_back(p.ece);
            score.push_back(p.score);
            second.push_back(p.second);
        }
    if (alpha.empty()) fail("{}: no teacher has a temperature sweep to plot", path);
    io::atomic_write(path, [&](io::H5File& f) {
        f.write("/alpha", alpha);
        f.write("/seed", seed);
        f.write("/temperature", temperature);
        f.write("/nll", nll);
        f.write("/ece", ece);
        f.write("/score", score);
        f.write("/second", second);
        f.set_attr("/", "score_name", teachers.front().decoding.score_name);
        f.set_attr("/", "second_name", teachers.front().decoding.second_name);
    });
}

}  // namespace

std::string write_decoding_plot(const std::string& dir, const std::vector<SequenceTeacherRow>& teachers,
                                const std::string& script) {
    const std::string table = (fs::path(dir) / "decoding.h5").string();
    const bool drawn = run_logged(dir, script, {"figure4", table, "--out", (fs::path(dir) / "plots").string()},
                                  "Figure 4", [&] { write_decoding_table(table, teachers); });
    return drawn ? "plots/figure4.png" : "";
}

}  // namespace lskd::study
