// The output policy (framework/io/output_policy.hpp) and the input check (framework/io/file_kind.hpp): every
// refusal names the path and what is there, creates nothing beside it, and leaves it as it was; every allowed
// case locks the output. Device nodes, FIFOs and sockets are made in a temporary folder, never taken from /dev.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/io/atomic_file.hpp"
#include "framework/io/atomic_text.hpp"
#include "framework/io/file_kind.hpp"
#include "framework/io/h5_file.hpp"
#include "framework/io/output_policy.hpp"
#include "tests/io/io_test_support.hpp"
#include "tests/io/special_files.hpp"

using namespace lskd;
using namespace lskd::io;
using namespace lskd::io::testing;
namespace fs = std::filesystem;
using Catch::Contains;
using Catch::Equals;
using Catch::StartsWith;

namespace {

// What a command that writes "notes" files passes: --force replaces a file starting "notes".
OutputFile notes_output(const std::string& path, bool force = false) {
    OutputFile o;
    o.path = path;
    o.purpose = "test";
    o.force = force;
    o.replaces = "a notes file";
    o.replaceable = [](const std::string& p) -> std::optional<std::string> {
        if (read_bytes(p).starts_with("notes")) return std::nullopt;
        return std::string("it does not start with 'notes'");
    };
    return o;
}

// Skips the rest of a test case, visibly, when this system cannot make device nodes (not root).
#define REQUIRE_DEVICE(path)                                                                       \
    if (!make_char_device(path)) {                                                                 \
        WARN("SKIPPED: mknod is not permitted here (needs root); device-node cases are untested"); \
        return;                                                                                    \
    }

}  // namespace

TEST_CASE("an output that is not a regular file is refused naming what it is, with nothing made beside it",
          "[io][output]") {
    TempDir dir;
    const std::string file = dir / "run.h5";
    write_bytes(file, "notes: keep me");
    fs::create_directory(dir / "a_dir");
    REQUIRE(make_fifo(dir / "a_fifo"));
    REQUIRE(make_socket_file(dir / "a_socket"));
    fs::create_symlink(file, dir / "link_to_file");
    REQUIRE_DEVICE(dir / "a_device");
    fs::create_symlink(dir / "a_device", dir / "link_to_device");
    const std::vector<std::string> before = dir.entries();

    const std::vector<std::pair<std::string, std::string>> cases = {
        {"a_device", "a character device"}, {"a_fifo", "a named pipe (FIFO)"},   {"a_socket", "a socket"},
        {"a_dir", "a directory"},           {"link_to_file", "a symbolic link"}, {"link_to_device", "a symbolic link"}};
    for (const auto& [name, kind] : cases)
        for (const bool force : {false, true}) {
            const std::string path = dir / name;
            INFO(path << (force ? " with force" : ""));
            CHECK_THROWS_WITH(claim_output_file(notes_output(path, force)),
                              StartsWith(path + ": the output exists and is " + kind + ";"));
        }
    CHECK_THROWS_WITH(claim_output_file(notes_output(dir / "link_to_file", true)),
                      Contains("the rename would replace the link, not '" + file + "'"));
    CHECK(dir.entries() == before);  // no lock file, no directory, no temporary
    CHECK(read_bytes(file) == "notes: keep me");
    CHECK(fs::is_character_file(dir / "a_device"));
    CHECK(fs::is_fifo(dir / "a_fifo"));
    CHECK(fs::is_symlink(dir / "link_to_file"));
}

TEST_CASE("an output that is an input under another name is refused", "[io][output]") {
    TempDir dir;
    fs::create_directory(dir / "sub");
    const std::string input = dir / "input.h5";
    write_bytes(input, "notes: the input");
    fs::create_hard_link(input, dir / "hard_link.h5");
    for (const std::string& output : {dir / "sub/../input.h5", dir / "./input.h5", dir / "hard_link.h5"})
        for (const bool force : {false, true}) {
            OutputFile o = notes_output(output, force);
            o.inputs = {"", input};
            INFO(output);
            CHECK_THROWS_WITH(claim_output_file(o), Equals(output + ": the output is the same file as the input '" +
                                                           input + "'; choose another output"));
        }
    CHECK(read_bytes(input) == "notes: the input");
    CHECK_FALSE(fs::exists(input + ".lock"));
    CHECK_FALSE(fs::exists(dir / "hard_link.h5.lock"));
}

TEST_CASE("an existing file is replaced only with force, and only if the command's check accepts it", "[io][output]") {
    TempDir dir;
    const std::string notes = dir / "notes.txt", other = dir / "other.txt";
    write_bytes(notes, "notes: old");
    write_bytes(other, "someone else's");

    OutputFile o = notes_output(notes);
    o.exists_advice = "use --force to overwrite";
    CHECK_THROWS_WITH(claim_output_file(o), Equals(notes + ": output exists (use --force to overwrite)"));
    CHECK_THROWS_WITH(claim_output_file(notes_output(other, true)),
                      Equals(other + ": --force replaces only a notes file, and this is not one (it does not start "
                                     "with 'notes'); move it away first"));
    CHECK(read_bytes(other) == "someone else's");
    CHECK_FALSE(fs::exists(other + ".lock"));

    {
        const FileLock lock = claim_output_file(notes_output(notes, true));
        CHECK(lock.output() == notes);
        CHECK(fs::exists(notes + ".lock"));
    }
    const FileLock fresh = claim_output_file(notes_output(dir / "new.txt"));
    CHECK(fresh.output() == dir / "new.txt");
    CHECK_FALSE(fs::exists(dir / "new.txt"));  // the command writes it; the policy only locks
}

TEST_CASE("a second writer of an output is told who holds it before the file is judged for --force", "[io][output]") {
    TempDir dir;
    const std::string path = dir / "held.txt";
    write_bytes(path, "notes");
    const FileLock first = claim_output_file(notes_output(path, true));
    CHECK_THROWS_AS(claim_output_file(notes_output(path, true)), LockBusy);
    CHECK_THROWS_WITH(claim_output_file(notes_output(path)), Contains("is being written by process"));
}

TEST_CASE("resuming needs the output to exist, and does not judge it for force", "[io][output]") {
    TempDir dir;
    OutputFile o = notes_output(dir / "missing.txt");
    o.resume = true;
    CHECK_THROWS_WITH(claim_output_file(o), Equals(dir / "missing.txt" + ": cannot resume: no such file"));
    write_bytes(dir / "half.txt", "not notes at all");
    o.path = dir / "half.txt";
    CHECK(claim_output_file(o).output() == dir / "half.txt");
}

TEST_CASE("missing directories of an output are made; a path in their place that is not a directory is refused",
          "[io][output]") {
    TempDir dir;
    const FileLock deep = claim_output_file(notes_output(dir / "a/b/c/out.txt"));
    CHECK(fs::is_directory(dir / "a/b/c"));

    write_bytes(dir / "plain", "x");
    CHECK_THROWS_WITH(claim_output_file(notes_output(dir / "plain/out.txt")),
                      Equals(dir / "plain" + ": exists and is a regular file, not a directory to write into"));
    REQUIRE(make_fifo(dir / "pipe"));
    CHECK_THROWS_WITH(make_output_directory(dir / "pipe"),
                      Equals(dir / "pipe" + ": exists and is a named pipe (FIFO), not a directory to write into"));
    CHECK_THROWS_WITH(make_output_directory(dir / "plain/deeper/still"),
                      Equals(dir / "plain/deeper/still" + ": cannot create the directory: Not a directory"));

    // A link to a directory is followed: the output goes inside it, the link stays.
    fs::create_directory(dir / "real");
    fs::create_symlink(dir / "real", dir / "linked");
    make_output_directory(dir / "linked");
    const FileLock inside = claim_output_file(notes_output(dir / "linked/out.txt"));
    CHECK(fs::is_symlink(dir / "linked"));
    CHECK(fs::exists(dir / "real/out.txt.lock"));
    make_output_directory("");  // the working directory
}

TEST_CASE("a failure of the file system is one line naming the path and the errno text", "[io][output]") {
    TempDir dir;
    // Root ignores permissions, so the writes into a read-only directory run as an unprivileged user.
    const std::string locked = dir / "locked";
    fs::create_directory(locked);
    ::chmod(locked.c_str(), 0555);
    ::chmod(dir.path().c_str(), 0755);
    const ChildResult r = run_in_child([&](std::string& message) {
        if (::geteuid() == 0 && ::setuid(65534) != 0) return 4;
        for (const std::string& path : {locked + "/out.txt", locked + "/new/out.txt"}) {
            try {
                claim_output_file(notes_output(path));
                return 1;
            } catch (const Error& e) {
                message += std::string(e.what()) + "\n";
            }
        }
        return 0;
    });
    CHECK(r.exit_code == 0);
    CHECK(r.message == locked + "/out.txt: cannot create the lock file '" + locked +
                           "/out.txt.lock': Permission denied\n" + locked +
                           "/new: cannot create the directory: Permission denied\n");
    // /proc/self/mem is a regular file to lstat, in a directory where nothing can be created.
    CHECK_THROWS_WITH(claim_output_file(notes_output("/proc/self/mem", true)),
                      Equals("/proc/self/mem: cannot create the lock file '/proc/self/mem.lock': No such file or "
                             "directory"));
}

TEST_CASE("an input that is a device, a FIFO or a directory is named as such; a link to a file is a fine input",
          "[io][input]") {
    TempDir dir;
    const std::string file = dir / "config.yaml";
    write_bytes(file, "epochs: 1\n");
    fs::create_symlink(file, dir / "link.yaml");
    check_input_file(file, "a config file");
    check_input_file(dir / "link.yaml", "a config file");
    check_input_file(dir / "missing.yaml", "a config file");  // each reader names a missing file itself

    CHECK_THROWS_WITH(check_input_file(dir.path(), "a config file"),
                      Equals(dir.path() + ": is a directory, not a config file"));
    REQUIRE(make_fifo(dir / "pipe"));
    CHECK_THROWS_WITH(check_input_file(dir / "pipe", "a config file"),
                      Equals(dir / "pipe" + ": is a named pipe (FIFO), not a config file"));
    // HDF5 files are checked before they are opened: opening a FIFO would block.
    CHECK_THROWS_WITH(H5File::open_read(dir / "pipe"),
                      Equals(dir / "pipe" + ": is a named pipe (FIFO), not an HDF5 file"));
    REQUIRE_DEVICE(dir / "zero");
    fs::create_symlink(dir / "zero", dir / "logits.h5");
    CHECK_THROWS_WITH(check_input_file(dir / "zero", "an HDF5 file"),
                      Equals(dir / "zero" + ": is a character device, not an HDF5 file"));
    CHECK_THROWS_WITH(H5File::open_read(dir / "logits.h5"),
                      Equals(dir / "logits.h5" + ": is a character device (the symbolic link leads to '" +
                             dir / "zero" + "'), not an HDF5 file"));
}

TEST_CASE("atomic writes never rename over what is not a regular file", "[io][output]") {
    TempDir dir;
    const std::string target = dir / "target.h5";
    atomic_write(target, [](H5File& f) { f.set_attr("/", "v", std::int64_t{1}); });
    const std::string link = dir / "link.h5";
    fs::create_symlink(target, link);
    CHECK_THROWS_WITH(atomic_write(link, [](H5File&) {}),
                      StartsWith(link + ": the output exists and is a symbolic link"));
    CHECK_THROWS_WITH(update_atomic(link, [](H5File&) {}),
                      StartsWith(link + ": the output exists and is a symbolic link"));
    REQUIRE(make_fifo(dir / "pipe.csv"));
    CHECK_THROWS_WITH(write_text_atomic(dir / "pipe.csv", "a,b\n"),
                      Equals(dir / "pipe.csv" + ": the output exists and is a named pipe (FIFO); lskd replaces only "
                                                "regular files"));
    CHECK(fs::is_symlink(link));
    CHECK(fs::is_fifo(dir / "pipe.csv"));
    CHECK(dir.entries() == std::vector<std::string>{"link.h5", "pipe.csv", "target.h5"});
}

TEST_CASE("a finished temporary file is moved into place, replacing the old file", "[io][output]") {
    TempDir dir;
    const std::string path = dir / "model.pt";
    write_bytes(path, "old");
    write_bytes(temporary_name(path), "new");
    CHECK(temporary_name(path) == path + ".tmp." + std::to_string(::getpid()));
    move_into_place(temporary_name(path), path);
    CHECK(read_bytes(path) == "new");
    CHECK(dir.entries() == std::vector<std::string>{"model.pt"});
    CHECK_THROWS_WITH(move_into_place(dir / "gone", path), StartsWith(path + ": cannot open to sync: No such file"));
    CHECK(read_bytes(path) == "new");
}

TEST_CASE("an empty directory in a run's place is written into as if absent; a full one needs force", "[io][output]") {
    TempDir dir;
    const std::string run = dir / "run";
    fs::create_directory(run);
    OutputFile o;
    o.path = run;
    o.directory = true;
    o.purpose = "test";
    o.replaces = "a run";
    o.replaceable = [](const std::string& p) -> std::optional<std::string> {
        if (fs::exists(p + "/checkpoint")) return std::nullopt;
        return std::string("it holds no checkpoint");
    };
    CHECK(claim_output_file(o).output() == run);
    o.resume = true;
    CHECK_THROWS_WITH(claim_output_file(o), Equals(run + ": cannot resume: no such run"));
    o.resume = false;
    write_bytes(run + "/mine.txt", "a user's file");
    CHECK_THROWS_WITH(claim_output_file(o), Contains("output exists"));
    o.force = true;
    CHECK_THROWS_WITH(claim_output_file(o), Contains("--force replaces only a run") && Contains("no checkpoint"));
    CHECK(read_bytes(run + "/mine.txt") == "a user's file");
}
