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
// Copies the file `from` to a new file `to` (replacing it) with plain reads and writes, so a failure is
// reported with its own errno ("No space left on device"), as "<shown_as>: cannot copy: ...".
void copy_file(const std::string& from, const std::string& to, const std::string& shown_as);
// Flushes a file's data, or a directory's entries, to the disk; throws "<shown_as or path>: cannot sync: ...".
void sync(const std::string& path, const std::string& shown_as = {});

}  // namespace lskd::io::posix
