#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/io/atomic_file.hpp"
#include "framework/io/h5_file.hpp"
#include "tests/io/io_test_support.hpp"

using namespace lskd;
using namespace lskd::io;
using lskd::io::testing::ChildResult;
using lskd::io::testing::read_bytes;
using lskd::io::testing::TempDir;
using lskd::io::testing::with_file_size_limit;
using lskd::io::testing::write_bytes;

namespace {

void write_original(const std::string& path) {
    atomic_write(path, [](H5File& f) {
        f.set_attr("/", "method", "baseline");
        f.write("metrics/loss", std::vector<double>{2.0, 1.0});
    });
}

// Incompressible, so a limit on the file size is really reached.
std::vector<float> noise(std::size_t n) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<float> v(n);
    for (float& x : v) x = u(rng);
    return v;
}

}  // namespace

TEST_CASE("atomic_write creates the file and leaves no temporary behind", "[io]") {
    TempDir dir;
    const std::string path = dir / "run.h5";
    write_original(path);
    CHECK(dir.entries() == std::vector<std::string>{"run.h5"});
    H5File f = H5File::open_read(path);
    CHECK(f.attr_string("/", "method") == "baseline");
    CHECK(f.read<double>("metrics/loss").values == std::vector<double>{2.0, 1.0});
}

TEST_CASE("atomic_write replaces an existing file whole", "[io]") {
    TempDir dir;
    const std::string path = dir / "run.h5";
    write_original(path);
    atomic_write(path, [](H5File& f) { f.write("metrics/acc", std::vector<double>{0.9}); });
    H5File f = H5File::open_read(path);
    CHECK(f.children() == std::vector<std::string>{"metrics"});
    CHECK(f.children("metrics") == std::vector<std::string>{"acc"});
    CHECK_FALSE(f.has_attr("/", "method"));
}

TEST_CASE("when the callback throws, the old file stays and the temporary goes", "[io]") {
    TempDir dir;
    const std::string path = dir / "run.h5";
    write_original(path);
    const std::string before = read_bytes(path);

    CHECK_THROWS_WITH(atomic_write(path,
                                   [](H5File& f) {
                                       f.write("metrics/loss", std::vector<double>{9, 9, 9});
                                       fail("diverged at epoch {}", 3);
                                   }),
                      "diverged at epoch 3");
    CHECK(read_bytes(path) == before);
    CHECK(dir.entries() == std::vector<std::string>{"run.h5"});

    // Any exception, not only lskd::Error.
    CHECK_THROWS_AS(atomic_write(path, [](H5File&) { throw std::runtime_error("other"); }), std::runtime_error);
    CHECK(read_bytes(path) == before);
    CHECK(dir.entries() == std::vector<std::string>{"run.h5"});

    // Without an old file, nothing is created.
    CHECK_THROWS(atomic_write(dir / "new.h5", [](H5File&) { fail("no"); }));
    CHECK(dir.entries() == std::vector<std::string>{"run.h5"});
}

TEST_CASE("update_atomic adds to a copy and swaps it in", "[io]") {
    TempDir dir;
    const std::string path = dir / "run.h5";
    write_original(path);
    ::chmod(path.c_str(), 0640);
    update_atomic(path, [](H5File& f) {
        f.write("analysis/cka/matrix", std::vector<float>{1, 0.5f, 0.5f, 1}, {2, 2});
        f.set_attr("analysis/cka", "layers", {"block1", "block2"});
    });
    CHECK(dir.entries() == std::vector<std::string>{"run.h5"});
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);  // the copy keeps the original's permissions
    H5File f = H5File::open_read(path);
    CHECK(f.attr_string("/", "method") == "baseline");
    CHECK(f.read<double>("metrics/loss").values == std::vector<double>{2.0, 1.0});
    CHECK(f.shape("analysis/cka/matrix") == Dims{2, 2});
    CHECK(f.attr_strings("analysis/cka", "layers") == std::vector<std::string>{"block1", "block2"});
}

TEST_CASE("update_atomic leaves the file untouched when the edit throws", "[io]") {
    TempDir dir;
    const std::string path = dir / "run.h5";
    write_original(path);
    const std::string before = read_bytes(path);
    CHECK_THROWS_WITH(update_atomic(path,
                                    [](H5File& f) {
                                        f.remove("metrics");
                                        f.read<float>("analysis/missing");
                                    }),
                      Catch::Contains("no dataset '/analysis/missing'"));
    CHECK(read_bytes(path) == before);
    CHECK(dir.entries() == std::vector<std::string>{"run.h5"});
}

TEST_CASE("update_atomic reports a missing or foreign file under its own name", "[io]") {
    TempDir dir;
    const std::string missing = dir / "missing.h5";
    CHECK_THROWS_WITH(update_atomic(missing, [](H5File&) {}), Catch::Equals(missing + ": cannot open: no such file"));
    const std::string text = dir / "text.h5";
    write_bytes(text, "hello\n");
    CHECK_THROWS_WITH(update_atomic(text, [](H5File&) {}), Catch::Equals(text + ": not an HDF5 file"));
    CHECK(read_bytes(text) == "hello\n");
    CHECK(dir.entries() == std::vector<std::string>{"text.h5"});
}

TEST_CASE("an atomic write into a missing directory names the path", "[io]") {
    TempDir dir;
    const std::string path = dir / "no/such/run.h5";
    CHECK_THROWS_WITH(atomic_write(path, [](H5File&) {}),
                      Catch::Equals(path + ": cannot create: directory '" + dir.path() + "/no/such' does not exist"));
    CHECK(dir.entries().empty());
}

TEST_CASE("AtomicFile keeps the target until commit, under <path>.tmp.<pid>", "[io]") {
    TempDir dir;
    const std::string path = dir / "run.h5";
    write_original(path);
    const std::string before = read_bytes(path);
    {
        AtomicFile out = AtomicFile::create(path);
        CHECK(out.temp_path() == path + ".tmp." + std::to_string(::getpid()));
        out.file().write("x", std::vector<float>{1});
        // A second writer of the same target in this process would share the temporary name.
        CHECK_THROWS_WITH(AtomicFile::create(path), Catch::Contains("is already being written by this process"));
        CHECK(read_bytes(path) == before);
        CHECK(dir.entries() == std::vector<std::string>{"run.h5", "run.h5.tmp." + std::to_string(::getpid())});
        out.commit();
        CHECK_THROWS_WITH(out.commit(), Catch::Contains("already committed"));
    }
    CHECK(dir.entries() == std::vector<std::string>{"run.h5"});
    CHECK(H5File::open_read(path).children() == std::vector<std::string>{"x"});
    // Once committed, the name is free again.
    atomic_write(path, [](H5File& f) { f.write("y", std::vector<float>{2}); });
    CHECK(H5File::open_read(path).children() == std::vector<std::string>{"y"});
}

TEST_CASE("a full disk while writing a dataset: error naming the path, old file kept, no temporary", "[io]") {
    TempDir dir;
    const std::string path = dir / "run.h5";
    write_original(path);
    const std::string before = read_bytes(path);
    const std::vector<float> big = noise(1 << 20);  // 4 MiB
    const ChildResult r = with_file_size_limit(256 * 1024, [&] {
        atomic_write(path, [&](H5File& f) { f.write("params/big", big, {1024, 1024}); });
    });
    INFO(r.message);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.message, Catch::Contains(path));
    CHECK_THAT(r.message, Catch::Contains("File too large"));
    CHECK_THAT(r.message, !Catch::Contains(".tmp."));  // the output the user gave, not its temporary name
    CHECK(read_bytes(path) == before);
    CHECK(dir.entries() == std::vector<std::string>{"run.h5"});
}

TEST_CASE("a full disk that shows up only when the file closes is caught too", "[io]") {
    // Small groups and attributes stay in HDF5's metadata cache until the file is closed, so H5Fclose is
    // the first call to touch the disk.
    TempDir dir;
    const std::string path = dir / "run.h5";
    write_original(path);
    const std::string before = read_bytes(path);
    const ChildResult r = with_file_size_limit(4096, [&] {
        atomic_write(path, [](H5File& f) {
            for (int i = 0; i < 40; ++i) {
                const std::string group = "analysis/g" + std::to_string(i);
                f.create_group(group);
                f.set_attr(group, "description", std::string(200, 'd'));
            }
        });
    });
    INFO(r.message);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.message, Catch::Contains(path) && Catch::Contains("cannot close file"));
    CHECK_THAT(r.message, !Catch::Contains(".tmp."));
    CHECK(read_bytes(path) == before);
    CHECK(dir.entries() == std::vector<std::string>{"run.h5"});
}

TEST_CASE("a full disk while copying for update_atomic keeps the original", "[io]") {
    TempDir dir;
    const std::string path = dir / "run.h5";
    const std::vector<float> big = noise(1 << 18);  // 1 MiB
    atomic_write(path, [&](H5File& f) { f.write("params/w", big); });
    const std::string before = read_bytes(path);
    const ChildResult r =
        with_file_size_limit(64 * 1024, [&] { update_atomic(path, [](H5File& f) { f.set_attr("/", "x", 1.0); }); });
    INFO(r.message);
    CHECK(r.exit_code == 0);
    // The errno of the failed write, not the "Input/output error" std::filesystem::copy_file makes of it.
    CHECK_THAT(r.message, Catch::Equals(path + ": cannot copy: File too large"));
    CHECK(read_bytes(path) == before);
    CHECK(dir.entries() == std::vector<std::string>{"run.h5"});
}
