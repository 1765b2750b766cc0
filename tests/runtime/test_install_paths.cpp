// The shipped-file locator: an installed layout beside the executable wins, a build-tree binary falls back to
// the source tree, and a missing file is an error naming both places.
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/runtime/install_paths.hpp"
#include "tests/test_dir.hpp"

using lskd::runtime::locate_shipped;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / lskd::testing::process_test_dir() / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void touch(const fs::path& p) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << "x";
}

}  // namespace

TEST_CASE("an installed lskd finds its files in ../share/lskd", "[install_paths]") {
    const fs::path prefix = fresh_dir("prefix");
    const fs::path source = fresh_dir("source");
    touch(prefix / "share/lskd/plot/lskd_plot.py");
    touch(source / "tools/plot/lskd_plot.py");
    CHECK(locate_shipped("plot/lskd_plot.py", prefix / "bin/lskd", source) == prefix / "share/lskd/plot/lskd_plot.py");
}

TEST_CASE("a build-tree lskd falls back to the source tree's folders", "[install_paths]") {
    const fs::path build = fresh_dir("build");
    const fs::path source = fresh_dir("source2");
    touch(source / "tools/plot/lskd_plot.py");
    touch(source / "tools/python/lskd_export.py");
    touch(source / "configs/quick.yaml");
    const fs::path exe = build / "tools/lskd";
    CHECK(locate_shipped("plot/lskd_plot.py", exe, source) == source / "tools/plot/lskd_plot.py");
    CHECK(locate_shipped("python/lskd_export.py", exe, source) == source / "tools/python/lskd_export.py");
    CHECK(locate_shipped("configs/quick.yaml", exe, source) == source / "configs/quick.yaml");
}

TEST_CASE("a shipped file found nowhere is an error naming where it looked", "[install_paths]") {
    const fs::path prefix = fresh_dir("prefix3");
    const fs::path source = fresh_dir("source3");
    touch(prefix / "share/lskd/plot/other.py");  // another file of the same folder is no match
    try {
        locate_shipped("plot/lskd_plot.py", prefix / "bin/lskd", source);
        FAIL("no error");
    } catch (const lskd::Error& e) {
        const std::string what = e.what();
        CHECK(what.find((prefix / "share/lskd/plot/lskd_plot.py").string()) != std::string::npos);
        CHECK(what.find((source / "tools/plot/lskd_plot.py").string()) != std::string::npos);
    }
    CHECK_THROWS_AS(locate_shipped("unknown/file", prefix / "bin/lskd", source), lskd::Error);
}

TEST_CASE("this test binary finds the real plot tool of its source tree", "[install_paths]") {
    CHECK(lskd::runtime::shipped_file("plot/lskd_plot.py") == fs::path(LSKD_SOURCE_DIR) / "tools/plot/lskd_plot.py");
}
