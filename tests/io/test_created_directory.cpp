// CreatedDirectory: a failing call removes the empty directories it created, and nothing else: not a directory that
// existed, not one holding a file, and nothing at all when the call succeeds.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>

#include "framework/core/error.hpp"
#include "framework/io/created_directory.hpp"
#include "tests/io/io_test_support.hpp"

using lskd::io::CreatedDirectory;
using lskd::io::testing::TempDir;
namespace fs = std::filesystem;

namespace {

// Creates `dir` as a sweep would, runs `work` inside, and lets its exception out.
void fill(const std::string& dir, const std::function<void()>& work) {
    const CreatedDirectory created(dir);
    work();
}

}  // namespace

TEST_CASE("a failing call removes the empty directories it created, parents included", "[io]") {
    TempDir tmp;
    const std::string dir = tmp / "a/b/c";
    CHECK_THROWS_AS(fill(dir,
                         [&] {
                             REQUIRE(fs::is_directory(dir));
                             throw std::runtime_error("fails before its first run");
                         }),
                    std::runtime_error);
    CHECK(!fs::exists(tmp / "a"));
    CHECK(fs::is_directory(tmp.path()));
    // With a trailing slash alike.
    CHECK_THROWS(fill(tmp / "d/", [] { throw std::runtime_error("x"); }));
    CHECK(!fs::exists(tmp / "d"));
}

TEST_CASE("a failing call keeps a directory that existed or that holds a file", "[io]") {
    TempDir tmp;
    const std::string given = tmp / "given";
    fs::create_directories(given);
    CHECK_THROWS(fill(given + "/new", [] { throw std::runtime_error("x"); }));
    CHECK(fs::is_directory(given));
    CHECK(!fs::exists(given + "/new"));
    // A run file written before the failure keeps the directory and, above it, those this call created.
    CHECK_THROWS(fill(tmp / "p/q", [&] {
        std::ofstream(tmp / "p/q/run.h5") << "x";
        throw std::runtime_error("x");
    }));
    CHECK(fs::exists(tmp / "p/q/run.h5"));
}

TEST_CASE("a call that succeeds keeps the directory it created, even empty", "[io]") {
    TempDir tmp;
    fill(tmp / "out", [] {});
    CHECK(fs::is_directory(tmp / "out"));
}

TEST_CASE("a directory that cannot be made is the output policy's error, naming it", "[io]") {
    TempDir tmp;
    std::ofstream(tmp / "file") << "x";
    CHECK_THROWS_WITH(CreatedDirectory(tmp / "file/sub"), Catch::Contains(tmp / "file/sub"));
    CHECK_THROWS_WITH(CreatedDirectory(tmp / "file"),
                      Catch::Contains("exists and is") && Catch::Contains("not a directory"));
    CHECK(fs::is_regular_file(tmp / "file"));
}
