#include "framework/runtime/install_paths.hpp"

#include <array>
#include <string_view>
#include <system_error>
#include <utility>

#include "framework/core/error.hpp"

#ifndef LSKD_SOURCE_DIR
#error "LSKD_SOURCE_DIR must name the source tree (set by cmake/Install.cmake)"
#endif

namespace lskd::runtime {
namespace {

// share/lskd/<first> is <second> in the source tree; cmake/Install.cmake installs the same mapping.
constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kSourceFolders{
    {{"plot/", "tools/plot/"}, {"python/", "tools/python/"}, {"configs/", "configs/"}}};

std::filesystem::path in_source_tree(const std::string& shipped, const std::filesystem::path& source_dir) {
    for (const auto& [installed, source] : kSourceFolders)
        if (shipped.starts_with(installed))
            return source_dir / (std::string(source) + shipped.substr(installed.size()));
    return {};
}

}  // namespace

std::filesystem::path locate_shipped(const std::string& shipped, const std::filesystem::path& executable,
                                     const std::filesystem::path& source_dir) {
    const std::filesystem::path installed =
        (executable.parent_path() / ".." / "share" / "lskd" / shipped).lexically_normal();
    std::error_code ec;
    if (std::filesystem::is_regular_file(installed, ec)) return installed;
    const std::filesystem::path source = in_source_tree(shipped, source_dir);
    if (!source.empty() && std::filesystem::is_regular_file(source, ec)) return source;
    fail("cannot find lskd's file '{}': not at {} (beside the executable {}){}; reinstall lskd or run it from its "
         "build tree",
         shipped, installed.string(), executable.string(),
         source.empty() ? std::string() : ", nor at " + source.string() + " (its source tree)");
}

std::filesystem::path shipped_file(const std::string& shipped) {
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) fail("cannot find lskd's file '{}': /proc/self/exe is unreadable ({})", shipped, ec.message());
    return locate_shipped(shipped, exe, LSKD_SOURCE_DIR);
}

}  // namespace lskd::runtime
