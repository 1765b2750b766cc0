// The distinct files that the streams of one image folder skipped as bad (skip-bad-images), so that a run which never
// decodes the folder up front can still say how many it left out. Safe to note from several threads.
#pragma once
#include <cstddef>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace lskd::data {

class BadFileLog {
public:
    // `path`: the file skipped; a file noted again counts once.
    void note(std::string_view path);
    std::size_t count() const;

private:
    mutable std::mutex mutex_;
    std::set<std::string, std::less<>> paths_;
};

}  // namespace lskd::data
