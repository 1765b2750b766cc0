// Catch2's runner, plus the temporary folder's end: a test process that passed removes the folder it wrote under
// (tests/test_dir.hpp), so a suite run leaves nothing behind; one that failed keeps it and says where.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <filesystem>
#include <iostream>
#include <system_error>

#include "tests/test_dir.hpp"

int main(int argc, char* argv[]) {
    const int failures = Catch::Session().run(argc, argv);
    const auto dir = std::filesystem::temp_directory_path() / lskd::testing::process_test_dir();
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) return failures;
    if (failures != 0) {
        std::cerr << "test files kept for inspection in " << dir << '\n';
        return failures;
    }
    std::filesystem::remove_all(dir, ec);
    if (ec) std::cerr << "could not remove the test folder " << dir << ": " << ec.message() << '\n';
    return failures;
}
