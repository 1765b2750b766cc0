#include "framework/data/bad_file_log.hpp"

namespace lskd::data {

void BadFileLog::note(std::string_view path) {
    const std::lock_guard lock(mutex_);
    if (!paths_.contains(path)) paths_.emplace(path);
}

std::size_t BadFileLog::count() const {
    const std::lock_guard lock(mutex_);
    return paths_.size();
}

}  // namespace lskd::data
