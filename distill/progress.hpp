// Training progress for people: a bar redrawn in place on a terminal (step, loss, accuracy, img/s, ETA),
// plain log lines every tenth of an epoch otherwise, and a summary line per epoch.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace lskd::distill {

class Progress {
public:
    // `unit` names an example in the rate ("img" shows "img/s").
    explicit Progress(std::string label, bool quiet = false, std::string unit = "img");

    void begin_epoch(std::int64_t epoch, std::int64_t epochs, std::int64_t steps);
    void step(std::int64_t step, double mean_loss, double accuracy, std::int64_t images);
    void end_epoch(const std::string& summary);

private:
    std::string label_;
    std::string unit_;
    bool quiet_;
    bool terminal_;
    std::int64_t epoch_ = 0, epochs_ = 0, steps_ = 0, images_ = 0;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace lskd::distill
