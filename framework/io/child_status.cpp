#include "framework/io/child_status.hpp"

#include <sys/wait.h>

#include <cerrno>

#include "framework/core/error.hpp"
#include "framework/io/posix_files.hpp"

namespace lskd::io {

ChildStatus wait_for_child(int pid, const std::string& what) {
    int status = 0;
    pid_t ended;
    do {
        ended = ::waitpid(pid, &status, 0);
    } while (ended < 0 && errno == EINTR);
    if (ended < 0) fail("waiting for {}: {}", what, posix::errno_text(errno));
    ChildStatus s;
    s.pid = ended;
    if (WIFEXITED(status))
        s.exit_code = WEXITSTATUS(status);
    else
        s.signal = WTERMSIG(status);
    return s;
}

}  // namespace lskd::io
