// A signal reaches the decoding of an image folder: the decoding stops within an image, and a run waiting for the
// image cache another run is decoding stops at once rather than when the other lets go. The interrupt handlers are
// process-wide and one-way, so each case runs in a forked copy of the test process, forked before anything in it
// started a thread, and reports by its exit status.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>
#include <thread>

#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "folder_fixtures.hpp"
#include "framework/core/interrupt.hpp"
#include "framework/data/folder_image_cache.hpp"
#include "framework/io/file_lock.hpp"
#include "tests/child_exit.hpp"

using namespace lskd;
using namespace lskd::data;
using namespace lskd::data::testing;
using lskd::testing::exit_by;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

FolderImageSpec eval_spec() {
    FolderImageSpec spec;
    spec.size = 8;
    return spec;
}

}  // namespace

TEST_CASE("decoding an image folder stops at a signal", "[data][folder_dataset][interrupt]") {
    TempDir dir;
    write_image_tree(dir.path(), {});
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::alarm(120);  // a hang ends the copy, and fails the case, instead of stalling it
        install_interrupt_handlers();
        const ScannedTree tree = scan_image_tree(dir.path());
        if (decode_folder_images(tree.root, tree.entries, eval_spec()).images.size() != tree.entries.size())
            ::_exit(1);  // no signal: every image
        std::raise(SIGTERM);
        try {
            decode_folder_images(tree.root, tree.entries, eval_spec());
        } catch (const Interrupted& e) {
            ::_exit(e.signal() == SIGTERM ? 0 : 2);
        }
        ::_exit(3);
    }
    const std::optional<int> code = exit_by(pid, Clock::now() + std::chrono::seconds(150));
    REQUIRE(code.has_value());
    CHECK(*code == 0);
}

TEST_CASE("a run waiting for another run's image cache stops at a signal at once",
          "[data][folder_dataset][interrupt]") {
    TempDir dir;
    write_image_tree(dir.path() / "train", {});
    const ScannedTree tree = scan_image_tree(dir.path() / "train");
    const fs::path cache_dir = dir / "cache";
    fs::create_directories(cache_dir);
    const fs::path file = folder_cache_file(cache_dir, tree.root, tree.entries, eval_spec());
    // Another run is decoding the folder: it holds the cache file's lock, and the file is not there yet.
    std::optional<io::FileLock> other(io::FileLock::try_lock_file(file.string(), "image cache"));
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::alarm(60);
        install_interrupt_handlers();
        try {
            cached_folder_images(cache_dir, tree.root, tree.entries, eval_spec());
        } catch (const Interrupted& e) {
            ::_exit(e.signal() == SIGTERM ? 0 : 2);
        }
        ::_exit(3);  // it went on without the other run's file
    }
    // Still waiting a moment later, then told to stop.
    CHECK_FALSE(exit_by(pid, Clock::now() + std::chrono::milliseconds(300)).has_value());
    ::kill(pid, SIGTERM);
    const std::optional<int> code = exit_by(pid, Clock::now() + std::chrono::seconds(20));
    other.reset();  // lets a copy that did not stop go on and end, so the case never hangs
    if (!code && !exit_by(pid, Clock::now() + std::chrono::seconds(90))) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    }
    REQUIRE(code.has_value());
    CHECK(*code == 0);
    CHECK_FALSE(fs::exists(file));  // it decoded nothing
}
