// run_sandboxed: a check of untrusted input runs in a forked child, and whatever ends that child (a return, an
// exception, a crash, a loop, a runaway allocation) comes back as an outcome, never as a crash of the caller.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <functional>
#include <new>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/core/sanitizers.hpp"
#include "framework/io/sandboxed_check.hpp"

using namespace lskd;
using namespace lskd::io;
using Outcome = SandboxResult::Outcome;

namespace {

SandboxLimits limits(double seconds, std::size_t memory_bytes = std::size_t{1} << 30) {
    SandboxLimits l;
    l.seconds = seconds;
    l.memory_bytes = memory_bytes;
    return l;
}

}  // namespace

TEST_CASE("a check that returns passes, and one that throws is refused with its message", "[io]") {
    int calls = 0;
    const SandboxResult ok = run_sandboxed([&] { ++calls; }, limits(30));
    CHECK(ok.outcome == Outcome::passed);
    CHECK(calls == 0);  // it ran in the child, whose memory is its own
    const SandboxResult bad = run_sandboxed([] { fail("x.h5: cannot list group '/a'"); }, limits(30));
    CHECK(bad.outcome == Outcome::refused);
    CHECK(bad.message == "x.h5: cannot list group '/a'");
}

TEST_CASE("a crash in the check comes back with its signal, an unexpected exit with its code", "[io]") {
    const SandboxResult segv = run_sandboxed([] { std::raise(SIGSEGV); }, limits(30));
    CHECK(segv.outcome == Outcome::crashed);
    CHECK(segv.signal == SIGSEGV);
    const SandboxResult exited = run_sandboxed([] { ::_exit(3); }, limits(30));
    CHECK(exited.outcome == Outcome::crashed);
    CHECK(exited.signal == 0);
    CHECK(exited.exit_code == 3);
}

TEST_CASE("a check sleeping or spinning past its time is killed and reported as timed out", "[io]") {
    const auto timed = [](const std::function<void()>& check) {
        const auto start = std::chrono::steady_clock::now();
        const SandboxResult r = run_sandboxed(check, limits(0.2));
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        CHECK(seconds >= 0.2);
        CHECK(seconds < 10);
        return r.outcome;
    };
    CHECK(timed([] { ::pause(); }) == Outcome::timed_out);
    CHECK(timed([] {
              volatile unsigned long spin = 0;
              while (true) spin = spin + 1;
          }) == Outcome::timed_out);
}

TEST_CASE("a check allocating past its memory limit is reported as out of memory", "[io]") {
    const SandboxResult r = run_sandboxed(
        [] {
            std::vector<char> big(std::size_t{512} << 20, 1);
            if (big[12345] != 1) fail("unreachable");
        },
        limits(30, std::size_t{64} << 20));
#if defined(LSKD_ADDRESS_SANITIZER)
    // AddressSanitizer's operator new reports a failed allocation and exits instead of throwing.
    CHECK(r.outcome == Outcome::crashed);
#else
    CHECK(r.outcome == Outcome::out_of_memory);
#endif
    // The same allocation within the limit passes: the limit counts from what the process has mapped already.
    CHECK(run_sandboxed([] { std::vector<char> big(std::size_t{32} << 20, 1); }, limits(30, std::size_t{64} << 20))
              .outcome == Outcome::passed);
}
