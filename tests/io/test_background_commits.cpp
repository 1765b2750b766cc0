// BackgroundCommits: files land in the order handed over, wait() makes them visible and reports the first failure,
// and nothing handed over after a failure lands.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/io/background_commits.hpp"
#include "framework/io/h5_file.hpp"
#include "tests/io/io_test_support.hpp"

using namespace lskd;
using namespace lskd::io;
using lskd::io::testing::TempDir;
namespace fs = std::filesystem;

namespace {

void write_value(const std::string& path, double value, BackgroundCommits& commits) {
    atomic_write(
        path, [value](H5File& f) { f.set_attr("/", "value", value); }, commits);
}

double read_value(const std::string& path) { return H5File::open_read(path).attr_double("/", "value"); }

std::vector<std::string> leftovers(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().filename().string().find(".tmp.") != std::string::npos)
            names.push_back(entry.path().filename().string());
    return names;
}

}  // namespace

TEST_CASE("background commits put every file in place by wait, and a target can be written again after it", "[io]") {
    TempDir dir;
    BackgroundCommits commits;
    write_value((dir / "a.h5"), 1.0, commits);
    write_value((dir / "b.h5"), 2.0, commits);
    commits.wait();
    CHECK(read_value((dir / "a.h5")) == 1.0);
    CHECK(read_value((dir / "b.h5")) == 2.0);
    // The temporary name of a.h5 is free again once its commit is done.
    write_value((dir / "a.h5"), 3.0, commits);
    commits.wait();
    CHECK(read_value((dir / "a.h5")) == 3.0);
    CHECK(leftovers(dir.path()).empty());
}

TEST_CASE("a second write of a target whose commit is still pending is refused until wait", "[io]") {
    TempDir dir;
    BackgroundCommits commits;
    AtomicFile first = AtomicFile::create((dir / "a.h5"));
    CHECK_THROWS_WITH(AtomicFile::create((dir / "a.h5")), Catch::Contains("already being written by this process"));
    commits.commit(std::move(first));
    commits.wait();
    CHECK_NOTHROW(write_value((dir / "a.h5"), 1.0, commits));
    commits.wait();
}

TEST_CASE("a failed background commit is reported by wait, and the files handed over after it never land", "[io]") {
    TempDir dir;
    BackgroundCommits commits;
    write_value((dir / "kept.h5"), 1.0, commits);
    commits.wait();
    AtomicFile blocked = AtomicFile::create((dir / "blocked.h5"));
    blocked.file().set_attr("/", "value", 2.0);
    // The target becomes a non-empty directory after the checks of create(): the rename over it fails.
    fs::create_directories((dir / "blocked.h5") + "/inside");
    commits.commit(std::move(blocked));
    write_value((dir / "kept.h5"), 3.0, commits);
    CHECK_THROWS_WITH(commits.wait(), Catch::Contains("blocked.h5") && Catch::Contains("cannot move into place"));
    CHECK(read_value((dir / "kept.h5")) == 1.0);  // the later file did not land
    CHECK(leftovers(dir.path()).empty());         // and neither temporary file is left
    CHECK_NOTHROW(commits.wait());                // the failure is reported once
    write_value((dir / "kept.h5"), 4.0, commits);
    commits.wait();
    CHECK(read_value((dir / "kept.h5")) == 4.0);
}

TEST_CASE("destroying background commits finishes the files handed over", "[io]") {
    TempDir dir;
    {
        BackgroundCommits commits;
        for (int i = 0; i < 5; ++i) write_value((dir / ("f" + std::to_string(i) + ".h5")), i, commits);
    }
    for (int i = 0; i < 5; ++i) CHECK(read_value((dir / ("f" + std::to_string(i) + ".h5"))) == i);
}

TEST_CASE("a text handed to background commits lands after the files handed over before it", "[io]") {
    TempDir dir;
    BackgroundCommits commits;
    write_value(dir / "state.h5", 1.0, commits);
    commits.commit_text(dir / "table.csv", "epoch\n1\n");
    commits.wait();
    CHECK(read_value(dir / "state.h5") == 1.0);
    CHECK(testing::read_bytes(dir / "table.csv") == "epoch\n1\n");
    CHECK(leftovers(dir.path()).empty());
}
