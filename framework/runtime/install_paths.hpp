// Finds a file lskd ships (the plot tool, a config, the export script) from the running executable: an installed
// lskd at P/bin/lskd reads P/share/lskd/<file>; a binary in a build tree falls back to its source tree.
#pragma once
#include <filesystem>
#include <string>

namespace lskd::runtime {

// `shipped` is the path under share/lskd, e.g. "plot/lskd_plot.py", "configs/quick.yaml", "python/lskd_export.py".
// Looks in <executable's dir>/../share/lskd first, then in the source tree (plot/ is tools/plot/, python/ is
// tools/python/, configs/ is configs/); throws lskd::Error naming every place it looked.
std::filesystem::path locate_shipped(const std::string& shipped, const std::filesystem::path& executable,
                                     const std::filesystem::path& source_dir);

// locate_shipped for this process: its executable from /proc/self/exe, the source tree it was built from.
std::filesystem::path shipped_file(const std::string& shipped);

}  // namespace lskd::runtime
