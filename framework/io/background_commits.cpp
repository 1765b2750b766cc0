#include "framework/io/background_commits.hpp"

#include <unistd.h>

#include <utility>

#include "framework/io/atomic_text.hpp"

namespace lskd::io {

BackgroundCommits::BackgroundCommits() : worker_([this] { work(); }) {}

BackgroundCommits::~BackgroundCommits() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    worker_.join();
}

void BackgroundCommits::commit(AtomicFile&& file) {
    std::string temp = file.temp_path(), path = file.path();
    const bool exchange = file.exchanges();
    file.hand_over();
    {
        std::lock_guard lock(mutex_);
        queue_.push_back({std::move(temp), std::move(path), exchange});
    }
    changed_.notify_all();
}

void BackgroundCommits::commit_text(const std::string& path, std::string_view text) {
    std::string temp = write_text_temporary(path, text);
    {
        std::lock_guard lock(mutex_);
        queue_.push_back({std::move(temp), path});
    }
    changed_.notify_all();
}

void BackgroundCommits::wait() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return queue_.empty() && !busy_; });
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

void atomic_write(const std::string& path, const std::function<void(H5File&)>& fill, BackgroundCommits& commits) {
    AtomicFile out = AtomicFile::create(path);
    fill(out.file());
    commits.commit(std::move(out));
}

void recycled_write(const std::string& path, const std::string& spare, const std::function<void(H5File&)>& fill,
                    BackgroundCommits& commits, bool final) {
    AtomicFile out = AtomicFile::recycle(path, spare, final);
    fill(out.file());
    commits.commit(std::move(out));
}

void BackgroundCommits::work() {
    std::unique_lock lock(mutex_);
    for (;;) {
        changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, with nothing left
        const Pending next = queue_.front();
        queue_.pop_front();
        busy_ = true;
        const bool failed = failure_ != nullptr;
        lock.unlock();
        std::exception_ptr error;
        if (!failed) {
            try {
                move_into_place(next.temp, next.path, next.exchange);
            } catch (...) {
                error = std::current_exception();
            }
        }
        if (failed || error) ::unlink(next.temp.c_str());
        release_temporary_name(next.temp);
        lock.lock();
        if (error && !failure_) failure_ = error;
        busy_ = false;
        changed_.notify_all();
    }
}

}  // namespace lskd::io
