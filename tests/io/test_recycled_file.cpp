// AtomicFile::recycle and H5File::open_for_rewrite: a file rewritten into its spare in place holds exactly what a new
// file would, keeps its blocks, and swaps names with its target at the commit.
#include <hdf5.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/io/atomic_file.hpp"
#include "framework/io/background_commits.hpp"
#include "framework/io/h5_file.hpp"
#include "tests/io/io_test_support.hpp"

using namespace lskd;
using namespace lskd::io;
using lskd::io::testing::TempDir;

namespace {

std::vector<float> ramp(std::size_t n, float start) {
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = start + static_cast<float>(i);
    return v;
}

// A checkpoint-like file: a large contiguous state, a growing metric, a group with attributes.
void fill(H5File& f, float start, std::int64_t epochs) {
    f.set_attr("/", "epochs_done", epochs);
    f.write("/params/w", ramp(100000, start), Storage::contiguous);
    f.write("/metrics/loss", std::vector<double>(static_cast<std::size_t>(epochs), 0.5), Storage::contiguous);
    f.create_group("/counters");
    f.set_attr("/counters", "steps", epochs * 10);
}

// One epoch's checkpoint written through the spare, as the trainer writes it.
void recycle_epoch(const std::string& path, const std::string& spare, std::int64_t epoch) {
    AtomicFile out = AtomicFile::recycle(path, spare);
    fill(out.file(), static_cast<float>(epoch), epoch);
    out.commit();
}

// Every object and attribute name of `f`, with "@" before attribute names, in a fixed order.
std::vector<std::string> listing(const H5File& f, const std::string& group = "/") {
    std::vector<std::string> out;
    for (const std::string& a : f.attr_names(group)) out.push_back(group + "@" + a);
    for (const std::string& child : f.children(group)) {
        const std::string path = group == "/" ? "/" + child : group + "/" + child;
        out.push_back(path);
        if (f.is_group(path)) {
            const std::vector<std::string> below = listing(f, path);
            out.insert(out.end(), below.begin(), below.end());
        } else {
            for (const std::string& a : f.attr_names(path)) out.push_back(path + "@" + a);
        }
    }
    return out;
}

haddr_t offset_of(const std::string& file, const std::string& dataset) {
    const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t d = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
    const haddr_t offset = H5Dget_offset(d);
    H5Dclose(d);
    H5Fclose(f);
    return offset;
}

}  // namespace

TEST_CASE("a rewrite into a spare holding other things gives what a new file holds", "[io]") {
    TempDir dir;
    {
        H5File old = H5File::create(dir / "spare.h5");
        fill(old, 7, 3);
        old.write("/stale/data", std::vector<double>{1, 2}, Storage::contiguous);
        old.set_attr("/", "stale", std::string("yes"));
        old.set_attr("/params/w", "note", 1.5);
        old.create_group("/counters/extra");
        old.write("/metrics/group_here/x", std::vector<double>{1}, Storage::contiguous);
    }
    {
        H5File fresh = H5File::create(dir / "fresh.h5");
        fill(fresh, 1, 4);
        fresh.write("/metrics/group_here", std::vector<double>{9}, Storage::contiguous);
    }
    {
        H5File f = H5File::open_for_rewrite(dir / "spare.h5");
        fill(f, 1, 4);
        f.write("/metrics/group_here", std::vector<double>{9}, Storage::contiguous);
        f.prune_unwritten();
    }
    const H5File a = H5File::open_read(dir / "spare.h5"), b = H5File::open_read(dir / "fresh.h5");
    CHECK(listing(a) == listing(b));
    CHECK(a.read<float>("/params/w").values == b.read<float>("/params/w").values);
    CHECK(a.read<double>("/metrics/loss").values == b.read<double>("/metrics/loss").values);
    CHECK(a.read<double>("/metrics/group_here").values == std::vector<double>{9});
    CHECK(a.attr_int64("/counters", "steps") == 40);
    CHECK(a.attr_int64("/params/w", "crc32") == b.attr_int64("/params/w", "crc32"));
}

TEST_CASE("rewrites keep a contiguous dataset's block and the file's size", "[io]") {
    TempDir dir;
    const std::string path = dir / "f.h5";
    {
        H5File f = H5File::create(path, {}, true);
        fill(f, 0, 1);
    }
    const haddr_t first = offset_of(path, "/params/w");
    const auto size = std::filesystem::file_size(path);
    for (std::int64_t epoch = 2; epoch <= 30; ++epoch) {
        H5File f = H5File::open_for_rewrite(path);
        fill(f, static_cast<float>(epoch), epoch);
        f.prune_unwritten();
    }
    CHECK(offset_of(path, "/params/w") == first);
    // Only the growing metric moves: 30 doubles at most, and the blocks its earlier lengths leave behind.
    CHECK(std::filesystem::file_size(path) <= size + 30 * 30 * 8);
    CHECK(H5File::open_read(path).read<float>("/params/w").values == ramp(100000, 30));
}

TEST_CASE("a recycled write swaps names with its target, so the old file is the next spare", "[io]") {
    TempDir dir;
    const std::string path = dir / "checkpoint.h5", spare = dir / "checkpoint.spare.h5";
    for (std::int64_t epoch = 1; epoch <= 4; ++epoch) {
        recycle_epoch(path, spare, epoch);
        CHECK(H5File::open_read(path).attr_int64("/", "epochs_done") == epoch);
        if (epoch == 1)
            CHECK_FALSE(std::filesystem::exists(spare));  // nothing to swap with: a rename
        else
            CHECK(H5File::open_read(spare).attr_int64("/", "epochs_done") == epoch - 1);
    }
    CHECK(dir.entries() == std::vector<std::string>{"checkpoint.h5", "checkpoint.spare.h5"});
}

TEST_CASE("a spare a killed writer left half written, or that is no HDF5 file, is written anew", "[io]") {
    TempDir dir;
    const std::string path = dir / "checkpoint.h5", spare = dir / "checkpoint.spare.h5";
    {
        H5File f = H5File::create(spare);
        fill(f, 0, 1);
    }
    const std::string bytes = testing::read_bytes(spare);
    const std::string broken = GENERATE_COPY(std::string("not hdf5 at all"), bytes.substr(0, bytes.size() / 3));
    testing::write_bytes(spare, broken);
    AtomicFile out = AtomicFile::recycle(path, spare);
    fill(out.file(), 5, 2);
    out.commit();
    CHECK(H5File::open_read(path).read<float>("/params/w").values == ramp(100000, 5));
}

TEST_CASE("a spare that is a symbolic link is refused, and its target left alone", "[io]") {
    TempDir dir;
    testing::write_bytes(dir / "elsewhere", "keep");
    std::filesystem::create_symlink(dir / "elsewhere", dir / "checkpoint.spare.h5");
    CHECK_THROWS_WITH(AtomicFile::recycle(dir / "checkpoint.h5", dir / "checkpoint.spare.h5"),
                      Catch::Contains("checkpoint.spare.h5") && Catch::Contains("symbolic link"));
    CHECK(testing::read_bytes(dir / "elsewhere") == "keep");
}

TEST_CASE("a recycled write handed to the background commits swaps names too", "[io]") {
    TempDir dir;
    const std::string path = dir / "checkpoint.h5", spare = dir / "checkpoint.spare.h5";
    BackgroundCommits commits;
    for (std::int64_t epoch = 1; epoch <= 3; ++epoch) {
        recycled_write(
            path, spare, [&](H5File& f) { fill(f, static_cast<float>(epoch), epoch); }, commits);
        commits.wait();  // as the trainer does before its next epoch's files: the spare is the commit's until then
    }
    CHECK(H5File::open_read(path).attr_int64("/", "epochs_done") == 3);
    CHECK(H5File::open_read(spare).attr_int64("/", "epochs_done") == 2);
}

TEST_CASE("a spare a reader still holds is left to the reader, and the checkpoint written into a new file", "[io]") {
    TempDir dir;
    const std::string path = dir / "checkpoint.h5", spare = dir / "checkpoint.spare.h5";
    for (std::int64_t epoch = 1; epoch <= 2; ++epoch) recycle_epoch(path, spare, epoch);
    const H5File reader = H5File::open_read(spare);  // opened as checkpoint.h5 an epoch ago, say
    recycle_epoch(path, spare, 3);
    CHECK(reader.read<float>("/params/w").values == ramp(100000, 1));
    CHECK(H5File::open_read(path).read<float>("/params/w").values == ramp(100000, 3));
}

TEST_CASE("the first recycled write, with nothing to swap with, goes under the temporary name", "[io]") {
    TempDir dir;
    const std::string path = dir / "checkpoint.h5", spare = dir / "checkpoint.spare.h5";
    {
        AtomicFile out = AtomicFile::recycle(path, spare);
        CHECK(out.temp_path() == temporary_name(path));  // what the next writer's lock deletes if this one dies
        CHECK_FALSE(out.exchanges());
        fill(out.file(), 1, 1);
    }  // dropped without a commit, as by a failure: nothing is left
    CHECK(dir.entries().empty());
    recycle_epoch(path, spare, 1);
    CHECK(dir.entries() == std::vector<std::string>{"checkpoint.h5"});
}

TEST_CASE("the final recycled write is renamed over its target: no spare remains", "[io]") {
    TempDir dir;
    const std::string path = dir / "checkpoint.h5", spare = dir / "checkpoint.spare.h5";
    for (std::int64_t epoch = 1; epoch <= 3; ++epoch) recycle_epoch(path, spare, epoch);
    {
        AtomicFile out = AtomicFile::recycle(path, spare, true);
        CHECK(out.temp_path() == spare);  // still rewritten in the spare's blocks
        CHECK_FALSE(out.exchanges());
        fill(out.file(), 4, 4);
        out.commit();
    }
    CHECK(dir.entries() == std::vector<std::string>{"checkpoint.h5"});
    CHECK(H5File::open_read(path).read<float>("/params/w").values == ramp(100000, 4));
    // Through the background commits too.
    recycle_epoch(path, spare, 5);
    BackgroundCommits commits;
    recycled_write(
        path, spare, [&](H5File& f) { fill(f, 6, 6); }, commits, true);
    commits.wait();
    CHECK(dir.entries() == std::vector<std::string>{"checkpoint.h5"});
    CHECK(H5File::open_read(path).attr_int64("/", "epochs_done") == 6);
}
