// lskd::Error: the one exception type lskd throws for bad input or failed I/O; its message names the
// file or value at fault and says what is wrong, so the command line can print it as one line.
#pragma once
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace lskd {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> f, Args&&... args) {
    throw Error(fmt::format(f, std::forward<Args>(args)...));
}

// Internal invariant checks that stay on in Release: a broken invariant is a bug, never silent.
#define LSKD_CHECK(cond, ...)                                                                                   \
    do {                                                                                                        \
        if (!(cond))                                                                                            \
            ::lskd::fail("{}:{}: check failed: {}: {}", __FILE__, __LINE__, #cond, ::fmt::format(__VA_ARGS__)); \
    } while (0)

}  // namespace lskd
