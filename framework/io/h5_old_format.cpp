#include "framework/io/h5_old_format.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "framework/core/error.hpp"
#include "framework/io/h5_detail.hpp"

namespace lskd::io {
namespace {

std::optional<SandboxLimits>& overridden_limits() {
    static std::optional<SandboxLimits> limits;
    return limits;
}

}  // namespace

SandboxLimits old_format_check_limits(std::uintmax_t file_bytes) {
    if (overridden_limits()) return *overridden_limits();
    // Reading at 8 MiB/s, far below any disk or decompression, plus a start-up allowance: only a loop runs out.
    SandboxLimits limits;
    limits.seconds = 20.0 + static_cast<double>(file_bytes) / static_cast<double>(std::uintmax_t{8} << 20);
    limits.memory_bytes = std::size_t{1} << 30;  // the check reads in slabs of 16 MiB: the rest is libhdf5's
    return limits;
}

void override_old_format_check_limits(std::optional<SandboxLimits> limits) {
    detail::Session session;  // no check is running meanwhile
    overridden_limits() = limits;
}

namespace detail {

std::optional<unsigned> superblock_version(const std::string& path) {
    static constexpr unsigned char kSignature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    struct stat st {};
    std::optional<unsigned> version;
    if (::fstat(fd, &st) == 0) {
        // Where libhdf5 looks: byte 0, then 512, 1024, 2048, ... (a user block may come first).
        for (off_t at = 0; at + 9 <= st.st_size; at = at == 0 ? 512 : 2 * at) {
            unsigned char head[9];
            if (::pread(fd, head, sizeof head, at) != static_cast<ssize_t>(sizeof head)) break;
            if (std::memcmp(head, kSignature, sizeof kSignature) == 0) {
                version = head[8];
                break;
            }
        }
    }
    ::close(fd);
    return version;
}

void check_old_format_file(const std::string& path, hid_t fapl, const std::string& shown_as) {
    struct stat st {};
    const std::uintmax_t bytes = ::stat(path.c_str(), &st) == 0 ? static_cast<std::uintmax_t>(st.st_size) : 0;
    const SandboxLimits limits = old_format_check_limits(bytes);
    // The caller's Session keeps every other thread out of libhdf5 across the fork; the child's reading runs
    // without it (its mutex would still seem held by the forking thread, whose id the child no longer has).
    const SandboxResult r = run_sandboxed([&] { read_every_object(path, fapl, shown_as); }, limits);
    const std::string_view head = "a file in HDF5's pre-1.8 format, which lskd reads in a separate process first";
    switch (r.outcome) {
        case SandboxResult::Outcome::passed: return;
        case SandboxResult::Outcome::refused:
            throw Error(r.message.empty() ? fmt::format("{}: {}, was refused without a reason", shown_as, head)
                                          : r.message);
        case SandboxResult::Outcome::timed_out:
            fail("{}: could not be validated ({}): reading it took longer than {:g} s", shown_as, head, limits.seconds);
        case SandboxResult::Outcome::out_of_memory:
            fail("{}: could not be validated ({}): reading it needs more than {} MiB of memory", shown_as, head,
                 limits.memory_bytes >> 20);
        case SandboxResult::Outcome::crashed:
            if (r.signal != 0)
                fail("{}: could not be validated ({}): the HDF5 library crashed reading it (signal {}: {})", shown_as,
                     head, r.signal, ::strsignal(r.signal));
            fail("{}: could not be validated ({}): reading it failed (exit code {})", shown_as, head, r.exit_code);
    }
    fail("{}: could not be validated ({})", shown_as, head);
}

}  // namespace detail
}  // namespace lskd::io
