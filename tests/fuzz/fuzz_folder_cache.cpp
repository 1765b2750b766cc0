// libFuzzer harness of the image-folder cache's reader: the input is written as the cache file of a fixed two-image
// listing (framework/data/folder_image_cache.hpp) and read back by cached_folder_images, which must return images
// that match the listing or throw lskd::Error, never crash, leak or invoke undefined behaviour. The listed files are
// not images, so a file that does not hit the cache could only decode them into skipped bad images.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "framework/core/error.hpp"
#include "framework/data/folder_image_cache.hpp"
#include "framework/io/h5_old_format.hpp"
#include "tests/fuzz/process_folder.hpp"

namespace {

namespace fs = std::filesystem;

struct Listing {
    fs::path root, cache_dir, cache_file;
    lskd::data::ScannedTree tree;
    lskd::data::FolderImageSpec spec{4, 0, true};
};

const Listing& listing() {
    static const Listing l = [] {
        Listing out;
        static const lskd::fuzzing::ProcessFolder folder("lskd-fuzz-folder-cache");
        const fs::path& base = folder.root();
        out.root = base / "tree";
        out.cache_dir = base / "cache";
        for (const char* file : {"a/x.png", "b/y.png"}) {
            fs::create_directories((out.root / file).parent_path());
            std::ofstream(out.root / file) << "not an image\n";
        }
        out.tree = lskd::data::scan_image_tree(out.root);
        out.cache_file = lskd::data::folder_cache_file(out.cache_dir, out.root, out.tree.entries, out.spec);
        fs::create_directories(out.cache_dir);
        return out;
    }();
    return l;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // Below libFuzzer's -timeout of 10 s (run_fuzzers.sh), as fuzz_run_file sets them.
    lskd::io::SandboxLimits limits;
    limits.seconds = 3;
    limits.memory_bytes = std::size_t{512} << 20;
    lskd::io::override_old_format_check_limits(limits);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Listing& l = listing();
    {
        std::ofstream out(l.cache_file, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
        lskd::data::cached_folder_images(l.cache_dir, l.root, l.tree.entries, l.spec);
    } catch (const lskd::Error&) {
    }
    fs::remove(l.cache_file);
    return 0;
}
