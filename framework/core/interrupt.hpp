// Interrupts: SIGINT, SIGTERM and SIGHUP (Ctrl-C, kill and Slurm, a closed terminal) only record which signal came;
// the work calls throw_if_interrupted() where stopping leaves consistent files (between training steps, between
// runs), and the exception unwinds the stack, so every lock file and temporary file is removed by its destructor.
// A second SIGINT ends the process at once (the default action, restored by the first); repeated SIGTERM or SIGHUP
// change nothing (Slurm follows its SIGTERM with SIGKILL after KillWait).
#pragma once
#include <stdexcept>
#include <string>

namespace lskd {

// Not an lskd::Error: an interrupt is no bad input, and code that reports an Error and goes on (or adds context
// to it) must not swallow a request to stop.
class Interrupted : public std::runtime_error {
public:
    // what(): "interrupted by SIGTERM", then "; <kept>" when `kept` says what was kept.
    explicit Interrupted(int signal, const std::string& kept = {});
    int signal() const { return signal_; }
    // The exit status of a process that ends on this interrupt: 128 + the signal, as a shell reports a killed one.
    int exit_code() const { return 128 + signal_; }

private:
    int signal_;
};

// Installs the handlers (SA_RESTART, so that blocking calls carry on), leaving a signal that the parent process
// ignored (nohup's SIGHUP, a background job's SIGINT) ignored. Call it once, from main().
void install_interrupt_handlers();
// The first signal received since the handlers were installed, or 0.
int interrupt_signal();
bool interrupt_requested();
// Throws Interrupted if a signal came.
void throw_if_interrupted();
// "SIGTERM", "SIGINT", ...; "signal N" for others.
std::string signal_name(int signal);

}  // namespace lskd
