// Turns HDF5 failures into lskd::Error: the session guard, the error-stack walk and owned ids.
#include <algorithm>

#include <fmt/format.h>

#include "framework/core/error.hpp"
#include "framework/io/h5_detail.hpp"

namespace lskd::io::detail {
namespace {

// HDF5 1.10 frees a file (or dataset) whose close fails, say on a full disk, but keeps its id; the clean-up
// it runs at exit then closes that id again and crashes. So the library is told not to run it, before
// anything starts it. Nothing is lost: every H5File closes its file itself.
[[maybe_unused]] const bool no_cleanup_at_exit = H5dont_atexit() >= 0;

std::recursive_mutex& library_mutex() {
    static std::recursive_mutex mutex;
    return mutex;
}

herr_t keep_innermost(unsigned n, const H5E_error2_t* err, void* out) {
    // Walking upward, entry 0 is the most specific error: the one that says what actually went wrong.
    if (n != 0) return 0;
    auto& text = *static_cast<std::string*>(out);
    if (err->desc != nullptr && err->desc[0] != '\0') {
        text = err->desc;
    } else {
        char minor[256] = {};
        if (H5Eget_msg(err->min_num, nullptr, minor, sizeof minor) > 0) text = minor;
    }
    return 0;
}

// HDF5's file driver reports a failed system call as "file write failed: time = ..., filename = '<temporary
// name>', ..., errno = 28, error message = 'No space left on device', buf = ..."; what the user needs from
// that is the call and the errno's text.
std::string system_error_text(const std::string& text) {
    const std::string marker = "error message = '";
    const std::size_t at = text.find(marker);
    if (at == std::string::npos) return text;
    const std::size_t begin = at + marker.size();
    const std::size_t end = text.find('\'', begin);
    if (end == std::string::npos) return text;
    const std::size_t colon = text.find(':');
    const std::string call = colon != std::string::npos && colon < at ? text.substr(0, colon + 1) + " " : std::string();
    return call + text.substr(begin, end - begin);
}

}  // namespace

Session::Session() : lock_(library_mutex()) {
    thread_local bool quiet = false;
    if (!quiet) {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        quiet = true;
    }
}

std::string innermost_error() {
    std::string text;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &text);
    H5Eclear2(H5E_DEFAULT);
    // Some descriptions span lines (a failed write's starts with a timestamp); an Error is one line.
    std::replace(text.begin(), text.end(), '\n', ' ');
    return text.empty() ? std::string("unknown HDF5 error") : system_error_text(text);
}

void fail_h5(std::string_view file, std::string_view what) {
    const std::string reason = innermost_error();
    fail("{}: {}: {}", file, what, reason);
}

Handle& Handle::operator=(Handle&& other) noexcept {
    if (this != &other) {
        if (id_ >= 0) closer_(id_);
        id_ = other.id_;
        closer_ = other.closer_;
        other.id_ = -1;
    }
    return *this;
}

Handle::~Handle() {
    if (id_ >= 0) closer_(id_);
}

herr_t Handle::close() {
    const hid_t id = id_;
    id_ = -1;
    return id >= 0 ? closer_(id) : 0;
}

Handle checked(hid_t id, Handle::Closer closer, std::string_view file, std::string_view what) {
    if (id < 0) fail_h5(file, what);
    return Handle(id, closer);
}

}  // namespace lskd::io::detail
