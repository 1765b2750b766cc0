// file_kind and check_input_file: std::filesystem's file types named for messages.
#include "framework/io/file_kind.hpp"

#include <system_error>

#include "framework/core/error.hpp"

namespace lskd::io {

std::string file_kind(std::filesystem::file_type type) {
    using std::filesystem::file_type;
    switch (type) {
        case file_type::regular: return "a regular file";
        case file_type::directory: return "a directory";
        case file_type::symlink: return "a symbolic link";
        case file_type::character: return "a character device";
        case file_type::block: return "a block device";
        case file_type::fifo: return "a named pipe (FIFO)";
        case file_type::socket: return "a socket";
        default: return "not a regular file";
    }
}

void check_input_file(const std::string& path, const std::string& what) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status target = fs::status(path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) fail("{}: cannot open: {}", path, ec.message());
    if (!fs::exists(target) || fs::is_regular_file(target)) return;
    const fs::file_status own = fs::symlink_status(path, ec);
    if (!fs::is_symlink(own)) fail("{}: is {}, not {}", path, file_kind(target.type()), what);
    fail("{}: is {} (the symbolic link leads to '{}'), not {}", path, file_kind(target.type()),
         fs::canonical(path, ec).string(), what);
}

}  // namespace lskd::io
