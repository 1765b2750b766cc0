#include "study/plots.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "framework/core/error.hpp"
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

std::vector<std::string> render_plots(const std::string& dir, const std::string& given_script) {
    const fs::path plots = fs::path(dir) / "plots";
    const fs::path log = fs::path(layout::logs_dir(dir)) / "plots.log";
    std::string script = given_script;
    int code = 0;
    try {
        io::make_output_directory(log.parent_path().string());
        if (script.empty()) script = default_plot_script();
        code = run_plot_tool(script, {"study", dir, "--out", plots.string()}, log.string());
    } catch (const Error& e) {
        fmt::print(stderr, "study: no figures: {}\n", e.what());
        return {};
    }
    if (code != 0) {
        fmt::print(stderr, "study: no figures: {}: the plotting tool failed with exit status {}; see {}\n", script,
                   code, log.string());
        return {};
    }
    std::vector<std::string> names;
    if (fs::is_directory(plots))
        for (const auto& entry : fs::recursive_directory_iterator(plots))
            if (entry.path().extension() == ".png") names.push_back(fs::relative(entry.path(), dir).string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace lskd::study
