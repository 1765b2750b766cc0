// lskd analyze writes its results into the run file by rename, so a run-file path that is a FIFO, a device or a
// symbolic link is refused with what it is, before a lock file is made beside it.
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "tests/cli/tiny_runs.hpp"
#include "tests/io/special_files.hpp"

using namespace lskd::testing;
namespace fs = std::filesystem;

TEST_CASE("lskd analyze names a run path that is a FIFO or a device, and leaves it; a link to a run is followed",
          "[cli][analyze]") {
    const fs::path dir = cli_temp_dir("analyze_special");
    const std::string run = (dir / "run").string();
    REQUIRE(run_lskd(tiny_run_args("train", {"--output", run, "--quiet"})).code == 0);
    const std::string fifo = (dir / "pipe.h5").string(), link = (dir / "link.h5").string();
    REQUIRE(lskd::io::testing::make_fifo(fifo));
    fs::create_symlink(run, link);

    ProgramOutput r = run_lskd({"analyze", "erasure", fifo});
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains(fifo + ": is a named pipe (FIFO), not a run"));
    // The results go inside the directory the link leads to; nothing replaces the link.
    r = run_lskd({"analyze", "erasure", link});
    CHECK(r.code == 0);
    CHECK(fs::is_symlink(link));
    CHECK(fs::exists(dir / "run" / "analyses" / "erasure.h5"));
    const std::string device = (dir / "zero.h5").string();
    if (!lskd::io::testing::make_char_device(device)) {
        WARN("SKIPPED: mknod is not permitted here (needs root); the device case is untested");
    } else {
        r = run_lskd({"analyze", "erasure", device});
        CHECK(r.code == 1);
        CHECK_THAT(r.err, Catch::Contains(device + ": is a character device, not a run"));
    }
    for (const auto& e : fs::directory_iterator(dir)) CHECK_FALSE(e.path().extension() == ".lock");
    CHECK(run_lskd({"analyze", "erasure", run}).code == 0);  // the run itself is analysed
}
