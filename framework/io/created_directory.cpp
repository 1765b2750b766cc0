#include "framework/io/created_directory.hpp"

#include <exception>

#include "framework/io/output_policy.hpp"

namespace lskd::io {

namespace fs = std::filesystem;

CreatedDirectory::CreatedDirectory(const std::string& dir)
    : dir_(fs::path(dir).lexically_normal()), exceptions_at_start_(std::uncaught_exceptions()) {
    if (!dir_.has_filename() && dir_.has_parent_path()) dir_ = dir_.parent_path();  // "out/" is "out"
    std::error_code ec;
    fs::path top;
    for (fs::path p = dir_; !p.empty() && !fs::exists(fs::symlink_status(p, ec)); p = p.parent_path()) top = p;
    make_output_directory(dir);
    top_ = top;
}

CreatedDirectory::~CreatedDirectory() {
    if (top_.empty() || std::uncaught_exceptions() <= exceptions_at_start_) return;
    std::error_code ec;
    for (fs::path p = dir_;; p = p.parent_path()) {
        if (!fs::remove(p, ec) || p == top_) return;  // remove() refuses a directory that is not empty
    }
}

}  // namespace lskd::io
