// lskd export under the output policy: it refuses to write onto its own run, onto another run (with or without
// --force), onto a device, a FIFO or a symbolic link, and an incomplete run without --allow-incomplete; after each
// refusal the target is byte for byte as it was and no temporary or lock file is left. The exporter itself needs
// /usr/bin/python3 with torch: where python3-torch is missing the successful exports are skipped with a warning
// and the failure of the exporter is checked instead.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "distill/run_directory.hpp"
#include "framework/io/atomic_file.hpp"
#include "framework/io/h5_file.hpp"
#include "tests/cli/tiny_runs.hpp"
#include "tests/io/io_test_support.hpp"
#include "tests/io/special_files.hpp"

using namespace lskd::testing;
using lskd::io::testing::read_bytes;
using lskd::io::testing::write_bytes;
namespace fs = std::filesystem;

namespace {

// A one-epoch run, trained once per test process.
const std::string& tiny_run() {
    static const std::string path = [] {
        const std::string out = (cli_temp_dir("export_run") / "run").string();
        const ProgramOutput r = run_lskd(tiny_run_args("train", {"--output", out, "--quiet"}));
        REQUIRE(r.code == 0);
        return out;
    }();
    return path;
}

bool torch_installed() {
    static const bool installed = run_program({"/usr/bin/python3", "-c", "import torch"}).code == 0;
    return installed;
}

ProgramOutput logged(const std::vector<std::string>& args) {
    const ProgramOutput r = run_lskd(args);
    std::string line = "lskd";
    for (const std::string& a : args) line += " '" + a + "'";
    UNSCOPED_INFO(line << "\nexit " << r.code << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    return r;
}

ProgramOutput export_to(const std::string& run, const std::string& output, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"export", run, "--format", "torch", "--output", output};
    args.insert(args.end(), extra.begin(), extra.end());
    return logged(args);
}

// Names in `dir` that a writer leaves behind when it fails to clean up: temporaries and lock files.
std::vector<std::string> leftovers(const fs::path& dir) {
    std::vector<std::string> found;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        if (name.find(".tmp.") != std::string::npos || name.ends_with(".lock")) found.push_back(name);
    }
    return found;
}

// A refusal: exit 1 with one line containing `message`.
void check_refused(const ProgramOutput& r, const std::string& message) {
    CHECK(r.code == 1);
    CHECK(lines_of(r.err).size() == 1);
    CHECK_THAT(r.err, Catch::Contains(message));
}

// What torch.save writes, as far as lskd export recognises it: a zip archive holding a data.pkl record.
const std::string kTorchLike = std::string("PK\x03\x04", 4) + "....archive/data.pkl....";

}  // namespace

TEST_CASE("lskd export refuses to write onto the run it exports, under any name", "[cli][export]") {
    const std::string run = tiny_run();
    const std::string checkpoint = lskd::distill::RunDirectory(run).checkpoint();
    const fs::path dir = fs::path(run).parent_path();
    const std::string bytes = read_bytes(checkpoint);
    fs::create_directories(dir / "sub");
    const auto with = [](bool force) {
        return force ? std::vector<std::string>{"--force"} : std::vector<std::string>{};
    };
    for (const std::string& output : {checkpoint, (dir / "sub/../run/checkpoint.h5").string()})
        for (const bool force : {false, true})
            check_refused(export_to(run, output, with(force)),
                          output + ": the output is the same file as the input '" + checkpoint + "'");
    for (const bool force : {false, true})
        check_refused(export_to(run, run, with(force)), run + ": the output exists and is a directory");
    CHECK(read_bytes(checkpoint) == bytes);
    CHECK(leftovers(dir).empty());
}

TEST_CASE("lskd export replaces another run's checkpoint neither without --force nor with it", "[cli][export]") {
    const fs::path dir = cli_temp_dir("export_other");
    const std::string other = (dir / "other.h5").string();
    fs::copy_file(lskd::distill::RunDirectory(tiny_run()).checkpoint(), other);
    const std::string bytes = read_bytes(other);
    check_refused(export_to(tiny_run(), other),
                  other + ": output exists (use --force to replace a previous export of the same format)");
    check_refused(export_to(tiny_run(), other, {"--force"}),
                  other + ": --force replaces only a previous torch export, and this is not one (it is an HDF5 file");
    write_bytes(dir / "notes.pt", "my notes");
    check_refused(export_to(tiny_run(), (dir / "notes.pt").string(), {"--force"}),
                  "this is not one (it does not hold what lskd export writes for torch)");
    CHECK(read_bytes(other) == bytes);
    CHECK(read_bytes((dir / "notes.pt").string()) == "my notes");
    CHECK(leftovers(dir).empty());
}

TEST_CASE("lskd export refuses a device node, a FIFO and a symbolic link, creating nothing beside them",
          "[cli][export]") {
    const fs::path dir = cli_temp_dir("export_special");
    const std::string fifo = (dir / "model.fifo").string(), link = (dir / "link.pt").string();
    REQUIRE(lskd::io::testing::make_fifo(fifo));
    write_bytes((dir / "target.pt").string(), kTorchLike);
    fs::create_symlink(dir / "target.pt", link);
    check_refused(export_to(tiny_run(), fifo, {"--force"}), fifo + ": the output exists and is a named pipe (FIFO)");
    check_refused(export_to(tiny_run(), link, {"--force"}), link + ": the output exists and is a symbolic link");
    CHECK(fs::is_fifo(fifo));
    CHECK(fs::is_symlink(link));
    CHECK(read_bytes((dir / "target.pt").string()) == kTorchLike);
    const std::string device = (dir / "null").string();
    if (!lskd::io::testing::make_char_device(device)) {
        WARN("SKIPPED: mknod is not permitted here (needs root); the device case is untested");
    } else {
        check_refused(export_to(tiny_run(), device, {"--force"}),
                      device + ": the output exists and is a character device");
        CHECK(fs::is_character_file(device));
    }
    CHECK(leftovers(dir).empty());
}

TEST_CASE("lskd export of an incomplete run needs --allow-incomplete and then says so", "[cli][export]") {
    const fs::path dir = cli_temp_dir("export_incomplete");
    const std::string run = (dir / "stopped").string(), out = (dir / "stopped.pt").string();
    fs::copy(tiny_run(), run, fs::copy_options::recursive);
    // As a run of 10 epochs killed after its first: the config asks for 10, the checkpoint holds 1.
    lskd::io::update_atomic(lskd::distill::RunDirectory(run).checkpoint(), [](lskd::io::H5File& f) {
        std::string config = f.attr_string("/", "config");
        const auto at = config.find("epochs: 1\n");
        REQUIRE(at != std::string::npos);
        f.set_attr("/", "config", config.replace(at, 10, "epochs: 10\n"));
        f.set_attr("/", "complete", std::int64_t{0});
    });
    check_refused(export_to(run, out),
                  run + ": the run stopped after epoch 1 of 10; --allow-incomplete exports it anyway");
    CHECK_FALSE(fs::exists(out));

    const ProgramOutput r = export_to(run, out, {"--allow-incomplete"});
    CHECK_THAT(r.err, Catch::Contains(run + ": exporting an incomplete run: it stopped after epoch 1 of 10"));
    if (torch_installed()) {
        CHECK(r.code == 0);
        CHECK(read_bytes(out).starts_with("PK"));
    } else {
        WARN("SKIPPED: python3-torch is not installed; the export itself is untested");
        CHECK(r.code == 1);
        CHECK_FALSE(fs::exists(out));
    }
    CHECK(leftovers(dir).empty());
}

TEST_CASE("lskd export with --force replaces a previous export only once the exporter succeeded", "[cli][export]") {
    const fs::path dir = cli_temp_dir("export_force");
    const std::string previous = (dir / "previous.pt").string();
    write_bytes(previous, kTorchLike);
    const ProgramOutput r = export_to(tiny_run(), previous, {"--force"});
    if (torch_installed()) {
        CHECK(r.code == 0);
        CHECK(read_bytes(previous).starts_with("PK"));
        CHECK(read_bytes(previous) != kTorchLike);
    } else {
        WARN("SKIPPED: python3-torch is not installed; only a failing exporter is checked");
        check_refused(r, "python3-torch is not installed");
        CHECK(read_bytes(previous) == kTorchLike);
    }
    CHECK(leftovers(dir).empty());
}

TEST_CASE("lskd export makes a missing output directory", "[cli][export]") {
    const fs::path dir = cli_temp_dir("export_new_dir");
    const std::string out = (dir / "new/deeper/model.pt").string();
    const ProgramOutput r = export_to(tiny_run(), out);
    CHECK(fs::is_directory(dir / "new/deeper"));
    if (torch_installed()) {
        CHECK(r.code == 0);
        CHECK(fs::exists(out));
    } else {
        WARN("SKIPPED: python3-torch is not installed; the export itself is untested");
        CHECK(r.code == 1);
        CHECK(fs::is_empty(dir / "new/deeper"));
    }
    CHECK(leftovers(dir).empty());
}
