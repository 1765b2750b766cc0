// lskd::io::FileLock: an advisory, exclusive lock on an output (a file lskd writes, or a directory of them),
// held through a kernel lock on "<output>.lock" (or "<dir>/.lskd.lock") that dies with its process, so no
// lock is ever stale. The lock file names the holder's pid and purpose for the message a second writer gets.
#pragma once
#include <functional>
#include <string>

#include "framework/core/error.hpp"
#include "framework/core/interrupt.hpp"

namespace lskd::io {

// Thrown by the try-lock functions when another open lock holds the output (another process, or another
// FileLock of this one). The message reads "<output> is being written by process <pid> (<purpose>)".
class LockBusy : public Error {
public:
    LockBusy(const std::string& message, long holder_pid, std::string holder_purpose)
        : Error(message), holder_pid_(holder_pid), holder_purpose_(std::move(holder_purpose)) {}
    long holder_pid() const { return holder_pid_; }  // 0 if the holder wrote no pid within 2 s of locking
    const std::string& holder_purpose() const { return holder_purpose_; }

private:
    long holder_pid_;
    std::string holder_purpose_;
};

class FileLock {
public:
    // Locks the file `output` (which need not exist) or fails at once with LockBusy. `purpose` ("train",
    // "analyze", ...) is shown to the next writer; a holder that has just locked and not yet said who it is gets a
    // moment to say so, so LockBusy names it. Under the lock, temporary files "<output>.tmp.<pid>" left
    // by dead processes are deleted.
    static FileLock try_lock_file(const std::string& output, const std::string& purpose);
    // As try_lock_file, but waits for the holder to let go, calling `while_waiting` about every 10 ms so that the
    // wait can be given up by throwing: by default throw_if_interrupted, since a signal must not wait for another
    // process's lock.
    static FileLock lock_file(const std::string& output, const std::string& purpose,
                              const std::function<void()>& while_waiting = throw_if_interrupted);
    // Locks the existing directory `dir` as a whole (a sweep's or a study's), or fails at once with LockBusy.
    // Under the lock, temporary files "<name>.tmp.<pid>" of dead processes in it are deleted.
    static FileLock try_lock_directory(const std::string& dir, const std::string& purpose);

    FileLock(FileLock&& other) noexcept;
    FileLock& operator=(FileLock&&) = delete;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    // Deletes the lock file and lets go of the lock.
    ~FileLock();

    const std::string& output() const { return output_; }
    const std::string& lock_path() const { return lock_path_; }

private:
    FileLock(std::string output, std::string lock_path, int fd);
    static FileLock acquire(const std::string& output, const std::string& lock_path, const std::string& purpose,
                            bool wait, const std::function<void()>& while_waiting = {});

    std::string output_;
    std::string lock_path_;
    int fd_ = -1;
};

// Deletes "<output>.tmp.<pid>" files beside `output` whose process no longer exists. Call it only while
// holding the output's lock, so no live writer's temporary file can be mistaken for a leftover.
void remove_dead_temporaries(const std::string& output);
// The same for every "<name>.tmp.<pid>" in the directory `dir` and the directories below it (a run's, whose files a
// killed writer may have left half-written under their temporary names). Only while holding `dir`'s lock.
void remove_dead_temporaries_within(const std::string& dir);

}  // namespace lskd::io
