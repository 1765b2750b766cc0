// POSIX file-system steps of lskd::io (not part of the API): clear errno messages, directory checks and
// the fsyncs that make a rename durable.
#pragma once
#include <string>

namespace lskd::io::posix {

// The error text for an errno value.
std::string errno_text(int err);
// Throws "<path>: cannot create: ..." unless the directory `path` would go in exists.
void check_directory_of(const std::string& path);
// The directory holding `path` ("." for a bare name).
std::string directory_of(const std::string& path);
// Flushes a file's data, or a directory's entries, to the disk; throws "<path>: cannot sync: ...".
void sync(const std::string& path);

}  // namespace lskd::io::posix
