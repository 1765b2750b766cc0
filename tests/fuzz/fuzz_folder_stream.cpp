// libFuzzer harness of the streamed folder pipeline, seeded with JPEG and PNG files
// (tests/fuzz/corpus/fuzz_folder_stream/): an input is one image file in a one-class folder, streamed as a DCT-scaled
// training view with EXIF honoured (the crop drawn on the probed size, then mapped into the scaled decode) and as an
// evaluation view. Every input must end in a batch or lskd::Error naming the file, never a crash or a leak.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "framework/core/error.hpp"
#include "framework/data/folder_stream.hpp"
#include "tests/fuzz/process_folder.hpp"

namespace fs = std::filesystem;

namespace {

// The one-image folder of this process: its one class "c" holds the input.
struct StreamFolder : lskd::fuzzing::ProcessFolder {
    StreamFolder() : ProcessFolder("lskd-fuzz-stream") { fs::create_directories(root() / "c"); }
};

const fs::path& folder() {
    static const StreamFolder f;
    return f.root();
}

void stream_one(const lskd::data::ScannedTree& tree, lskd::data::FolderStreamSpec spec) {
    spec.threads = 1;
    spec.honour_exif = true;
    // Small enough that no input makes an allocation over run_fuzzers.sh's cap, which ASan treats as a crash.
    spec.max_pixels = std::int64_t{1} << 22;
    lskd::data::FolderStream stream(tree.root, tree.entries, lskd::data::imagenet_normalization(), spec);
    lskd::data::Batch batch;
    stream.begin_epoch(0);
    stream.next(batch);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fs::path file = folder() / "c" / "x.jpg";
    std::ofstream(file, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    try {
        const lskd::data::ScannedTree tree = lskd::data::scan_image_tree(folder());
        lskd::data::FolderStreamSpec train = lskd::data::train_stream_spec(1, 3);
        train.train.size = 16;
        stream_one(tree, train);
        lskd::data::FolderStreamSpec eval = lskd::data::eval_stream_spec(1);
        eval.eval = {20, 16};
        stream_one(tree, eval);
    } catch (const lskd::Error&) {
    }
    return 0;
}
