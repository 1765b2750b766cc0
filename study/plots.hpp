// The figures of a study: tools/plot/lskd_plot.py run as a child process (Debian's python3, which has h5py and
// matplotlib), its output in a log file. A failed or missing tool leaves a study without figures, never a crash.
#pragma once
#include <string>
#include <vector>

#include "study/claims_sequences.hpp"

namespace lskd::study {

// Debian's interpreter: the first python3 on PATH may lack h5py.
inline constexpr const char* kPlotPython = "/usr/bin/python3";

// Runs `python3 script args...` with stdout and stderr in log_path; returns its exit code. Throws an Error naming
// the script if the script or the interpreter is missing.
int run_plot_tool(const std::string& script, const std::vector<std::string>& args, const std::string& log_path);

// The plotting tool lskd ships: share/lskd/plot/lskd_plot.py of an installed lskd, else tools/plot/lskd_plot.py of
// the source tree; throws an Error naming the places it looked when there is none.
std::string default_plot_script();

// Renders every figure the study directory allows into <dir>/plots (log: <dir>/logs/plots.log) with `script`
// (empty: default_plot_script()) and returns their paths relative to dir, sorted. A failure prints one line naming
// the script, the exit status or the reason, and the log, and returns no figures.
std::vector<std::string> render_plots(const std::string& dir, const std::string& script);

// The Figure-4 analogue of a sequence study: every teacher's temperature sweep as one table <dir>/decoding.h5 (one
// row per teacher and T: alpha, seed, temperature, nll, ece, score, second; attributes score_name, second_name),
// written atomically, then drawn by the plotting tool as <dir>/plots/figure4.png (log: <dir>/logs/plots.log; the
// tool's study command draws it too). Returns "plots/figure4.png", or "" after printing why there is no figure.
std::string write_decoding_plot(const std::string& dir, const std::vector<SequenceTeacherRow>& teachers,
                                const std::string& script = "");

}  // namespace lskd::study
