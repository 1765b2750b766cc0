// Where a sweep's or a study's directory keeps what (docs/results.md): report.md, summary.{h5,csv},
// teachers.{h5,csv} and plots/ at its top; the run directories in runs/, the teacher-logits
// cache in cache/, the jobs' logs and configs and the plotting tool's log in logs/.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace lskd::study::layout {

// A run directory's path relative to the sweep's ("runs/<name>"), as the summary's file column holds it.
std::string run_entry(const std::string& name);
std::string run_path(const std::string& dir, const std::string& name);
std::string cache_dir(const std::string& dir);
// cache/images: the decoded images of an image-folder study, shared by its runs (framework/data/folder_image_cache).
std::string image_cache_dir(const std::string& dir);
std::string logs_dir(const std::string& dir);
// A parallel sweep's job: its log and the config it was started with.
std::string job_log(const std::string& dir, const std::string& run_name);
std::string job_config(const std::string& dir, const std::string& run_name);

// Moves what an lskd older than this layout left at the top of `dir` into place: each run of `run_names` into
// runs/ (a directory moves whole, by rename), and teacher_cache/ into cache/, so that a resumed sweep finds its
// finished runs. The caller holds the directory's lock. A run present in both places is an Error naming both. A
// run file of an earlier lskd (<name>.h5, lskd-run/2, at the top or in runs/) is an Error naming the command that
// converts it: moving it would not make it a run directory, and training the run again would hide it. Returns how
// many entries moved.
std::size_t adopt_flat_layout(const std::string& dir, const std::vector<std::string>& run_names);

}  // namespace lskd::study::layout
