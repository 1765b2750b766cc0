#include "distill/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace lskd::distill {

Progress::Progress(std::string label, bool quiet, std::string unit)
    : label_(std::move(label)), unit_(std::move(unit)), quiet_(quiet), terminal_(isatty(STDERR_FILENO) != 0) {}

void Progress::begin_epoch(std::int64_t epoch, std::int64_t epochs, std::int64_t steps) {
    epoch_ = epoch;
    epochs_ = epochs;
    steps_ = steps;
    images_ = 0;
    start_ = std::chrono::steady_clock::now();
}

void Progress::step(std::int64_t step, double mean_loss, double accuracy, std::int64_t images) {
    images_ += images;
    if (quiet_) return;
    const bool log_line = !terminal_ && (step == steps_ || step % std::max<std::int64_t>(1, steps_ / 10) == 0);
    if (!terminal_ && !log_line) return;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = seconds > 0 ? static_cast<double>(images_) / seconds : 0.0;
    const double eta = step > 0 ? seconds * static_cast<double>(steps_ - step) / static_cast<double>(step) : 0.0;
    const int width = 24;
    const int filled = static_cast<int>(width * step / std::max<std::int64_t>(1, steps_));
    const std::string line = fmt::format("{} epoch {}/{} [{:<{}}] {}/{} loss {:.4f} acc {:.3f} {:.0f} {}/s ETA {:.0f}s",
                                         label_, epoch_ + 1, epochs_, std::string(filled, '='), width, step, steps_,
                                         mean_loss, accuracy, rate, unit_, eta);
    if (terminal_)
        fmt::print(stderr, "\r{}\x1b[K", line);
    else
        fmt::print(stderr, "{}\n", line);
    std::fflush(stderr);
}

void Progress::end_epoch(const std::string& summary) {
    if (quiet_) return;
    if (terminal_) fmt::print(stderr, "\r\x1b[K");
    fmt::print(stderr, "{} {}\n", label_, summary);
    std::fflush(stderr);
}

}  // namespace lskd::distill
