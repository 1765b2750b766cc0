// Atomic writes finished off the caller's thread. A file handed over is closed at once (so a write error shows to the
// caller), then a worker thread fsyncs it, renames it over its target and fsyncs the directory, one file after
// another in the order handed over, so the order in which files land on disk is the caller's. The caller goes on
// computing while the disk catches up, and waits before anything that must see the files in place.
#pragma once
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "framework/io/atomic_file.hpp"

namespace lskd::io {

class BackgroundCommits {
public:
    BackgroundCommits();
    BackgroundCommits(const BackgroundCommits&) = delete;
    BackgroundCommits& operator=(const BackgroundCommits&) = delete;
    // Finishes what was handed over (a kill aside, every file handed over lands), then stops the worker. An error
    // of those last commits is lost here: call wait() first where it matters.
    ~BackgroundCommits();

    // Closes `file` (throwing its close error) and queues its move into place.
    void commit(AtomicFile&& file);
    // Writes `text` to the temporary name of `path` (throwing a write error) and queues its move into place.
    void commit_text(const std::string& path, std::string_view text);
    // Blocks until every file handed over is in place. Rethrows the first failure; the files queued after a failure
    // are deleted, not moved, so no later file lands without an earlier one.
    void wait();

private:
    struct Pending {
        std::string temp, path;
        bool exchange = false;  // AtomicFile::recycle's: the names are swapped
    };
    void work();

    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Pending> queue_;
    bool busy_ = false, stopping_ = false;
    std::exception_ptr failure_;
    std::thread worker_;
};

// atomic_write whose move into place `commits` finishes in the background.
void atomic_write(const std::string& path, const std::function<void(H5File&)>& fill, BackgroundCommits& commits);
// The same through AtomicFile::recycle: written into `spare`, whose name is then exchanged with `path`'s (or, for
// the `final` version, renamed over it).
void recycled_write(const std::string& path, const std::string& spare, const std::function<void(H5File&)>& fill,
                    BackgroundCommits& commits, bool final = false);

}  // namespace lskd::io
