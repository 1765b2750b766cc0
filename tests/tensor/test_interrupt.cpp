// Interrupts: a handled signal only records itself, throw_if_interrupted turns it into Interrupted with the signal
// and the exit status 128 + signal, a second SIGINT kills at once while repeated SIGTERMs do not. The handlers are
// process-wide and one-way, so each case installs them in a forked copy of the test process and reports by its
// exit status.
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <functional>
#include <string>

#include <catch2/catch.hpp>

#include "framework/core/interrupt.hpp"

using namespace lskd;

namespace {

// Runs `body` in a child process with the handlers installed; returns the child's wait status. The body's
// return value is the child's exit status (0: every check passed, else the number of the check that failed).
int status_of_forked(const std::function<int()>& body) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        install_interrupt_handlers();
        ::_exit(body());
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

int exit_status_of_forked(const std::function<int()>& body) {
    const int status = status_of_forked(body);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

}  // namespace

TEST_CASE("a handled signal only records itself until throw_if_interrupted throws it", "[runtime][interrupt]") {
    for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
        CAPTURE(sig);
        CHECK(exit_status_of_forked([sig] {
                  if (interrupt_requested() || interrupt_signal() != 0) return 1;
                  throw_if_interrupted();  // nothing came: no throw
                  std::raise(sig);
                  if (!interrupt_requested() || interrupt_signal() != sig) return 2;
                  try {
                      throw_if_interrupted();
                  } catch (const Interrupted& e) {
                      if (e.signal() != sig || e.exit_code() != 128 + sig) return 3;
                      if (std::string(e.what()) != "interrupted by " + signal_name(sig)) return 4;
                      return 0;
                  }
                  return 5;
              }) == 0);
    }
}

TEST_CASE("the first interrupt is the one kept, a later signal of another kind does not replace it",
          "[runtime][interrupt]") {
    CHECK(exit_status_of_forked([] {
              std::raise(SIGHUP);
              std::raise(SIGTERM);
              return interrupt_signal() == SIGHUP ? 0 : 1;
          }) == 0);
}

TEST_CASE("a second SIGINT ends the process at once, repeated SIGTERMs and SIGHUPs are absorbed",
          "[runtime][interrupt]") {
    const int twice_int = status_of_forked([] {
        std::raise(SIGINT);
        std::raise(SIGINT);
        return 0;
    });
    CHECK(WIFSIGNALED(twice_int));
    CHECK(WTERMSIG(twice_int) == SIGINT);
    CHECK(exit_status_of_forked([] {
              for (int i = 0; i < 3; ++i) std::raise(SIGTERM);
              for (int i = 0; i < 3; ++i) std::raise(SIGHUP);
              return interrupt_signal() == SIGTERM ? 0 : 1;
          }) == 0);
    // After a SIGTERM, Ctrl-C still has its handler until it has been pressed once.
    const int term_then_int = status_of_forked([] {
        std::raise(SIGTERM);
        std::raise(SIGINT);
        if (interrupt_signal() != SIGTERM) return 1;
        std::raise(SIGINT);
        return 0;
    });
    CHECK(WIFSIGNALED(term_then_int));
}

TEST_CASE("a signal ignored by the parent, as nohup ignores SIGHUP, stays ignored", "[runtime][interrupt]") {
    const pid_t pid = ::fork();
    if (pid == 0) {
        std::signal(SIGHUP, SIG_IGN);
        install_interrupt_handlers();
        std::raise(SIGHUP);
        ::_exit(interrupt_requested() ? 1 : 0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("the handlers restart interrupted system calls", "[runtime][interrupt]") {
    CHECK(exit_status_of_forked([] {
              for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
                  struct sigaction action {};
                  sigaction(sig, nullptr, &action);
                  if ((action.sa_flags & SA_RESTART) == 0) return 1;
              }
              return 0;
          }) == 0);
}

TEST_CASE("Interrupted says what was kept and maps to exit status 128 + signal", "[runtime][interrupt]") {
    const Interrupted e(SIGTERM, "run.h5 holds epoch 3 of 5; continue it with --resume run.h5");
    CHECK(std::string(e.what()) ==
          "interrupted by SIGTERM; run.h5 holds epoch 3 of 5; continue it with --resume run.h5");
    CHECK(e.exit_code() == 143);
    CHECK(Interrupted(SIGINT).exit_code() == 130);
    CHECK(Interrupted(SIGHUP).exit_code() == 129);
    CHECK(signal_name(SIGINT) == "SIGINT");
    CHECK(signal_name(64) == "signal 64");
}
