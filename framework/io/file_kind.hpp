// What kind of file a path names, in the words of lskd's messages ("a character device", "a named pipe (FIFO)"),
// and the check every reader makes before opening a file, so a device, a pipe or a directory given where a file
// is expected is named as such instead of read (a FIFO would block, /dev/zero reads as endless zeros).
#pragma once
#include <filesystem>
#include <string>

namespace lskd::io {

// "a regular file", "a directory", "a symbolic link", "a character device", "a block device", "a named pipe
// (FIFO)", "a socket", or "not a regular file" for anything else.
std::string file_kind(std::filesystem::file_type type);

// Refuses an input at `path` that exists and is not a regular file, following symbolic links (a link to a regular
// file is a fine input): "<path>: is a character device, not <what>", where `what` carries its article ("an HDF5
// file", "a config file"), with the link's target named when a link leads there. A path that cannot be inspected
// is "<path>: cannot open: <errno text>". A missing path passes: each reader reports it in its own words.
void check_input_file(const std::string& path, const std::string& what);

}  // namespace lskd::io
