#include "framework/core/interrupt.hpp"

#include <atomic>
#include <csignal>
#include <cstring>

#include <fmt/format.h>

namespace lskd {
namespace {

// Atomic, not volatile sig_atomic_t: besides the thread the handler interrupts, other threads read it (an image
// folder's decoding checks it on TBB's workers), and a lock-free atomic is both async-signal-safe and free of data
// races between threads.
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

// Async-signal-safe: a store, nothing else. The other interrupt signals are blocked while it runs (sa_mask), so
// the first signal is the one kept.
void record_signal(int signal) {
    if (g_signal.load(std::memory_order_relaxed) == 0) g_signal.store(signal, std::memory_order_relaxed);
}

// The handler runs on a stack of its own (SA_ONSTACK) on the thread that installs it, the one that trains: the kernel
// otherwise pushes the signal frame just below the interrupted code's stack pointer, over anything a JIT kernel keeps
// there beyond the ABI's red zone. Under load, a SIGTERM during a training step now and then ended in glibc's heap
// corruption abort inside oneDNN's execution, and never without a signal; on this stack it has not been seen since.
void use_alternate_stack() {
    alignas(64) static char stack[1 << 16];
    stack_t alternate{};
    alternate.ss_sp = stack;
    alternate.ss_size = sizeof stack;
    sigaltstack(&alternate, nullptr);
}

}  // namespace

Interrupted::Interrupted(int signal, const std::string& kept)
    : std::runtime_error(kept.empty() ? "interrupted by " + signal_name(signal)
                                      : fmt::format("interrupted by {}; {}", signal_name(signal), kept)),
      signal_(signal) {}

void install_interrupt_handlers() {
    use_alternate_stack();
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_handler = record_signal;
    sigemptyset(&action.sa_mask);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&action.sa_mask, s);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) {
        // A signal ignored by whoever started lskd stays ignored: nohup's SIGHUP, a background job's SIGINT.
        struct sigaction inherited;
        if (sigaction(s, nullptr, &inherited) == 0 && inherited.sa_handler == SIG_IGN) continue;
        // SA_RESETHAND on SIGINT alone: an impatient second Ctrl-C kills at once, as in most command-line tools.
        action.sa_flags = SA_RESTART | SA_ONSTACK | (s == SIGINT ? SA_RESETHAND : 0);
        sigaction(s, &action, nullptr);
    }
}

int interrupt_signal() { return g_signal.load(std::memory_order_relaxed); }

bool interrupt_requested() { return interrupt_signal() != 0; }

void throw_if_interrupted() {
    if (const int s = interrupt_signal(); s != 0) throw Interrupted(s);
}

std::string signal_name(int signal) {
    switch (signal) {
        case SIGINT: return "SIGINT";
        case SIGTERM: return "SIGTERM";
        case SIGHUP: return "SIGHUP";
        case SIGKILL: return "SIGKILL";
        default: return fmt::format("signal {}", signal);
    }
}

}  // namespace lskd
