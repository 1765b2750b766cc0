#include "framework/data/folder_images.hpp"

#include <cstring>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include "framework/core/error.hpp"
#include "framework/core/interrupt.hpp"
#include "framework/data/file_bytes.hpp"
#include "framework/data/image_decoder.hpp"

namespace lskd::data {
namespace {

// One thread's decoder and buffers, reused from image to image.
struct Worker {
    ImageDecoder decoder;
    RgbImage image;
    ResampleScratch resample;
};

}  // namespace

void fail_bad_images(const std::vector<std::string>& bad) {
    if (bad.size() == 1) fail("{} (skip-bad-images leaves such files out)", bad.front());
    fail("{} (and {} more bad images; skip-bad-images leaves them out)", bad.front(), bad.size() - 1);
}

FolderImages decode_folder_images(const std::filesystem::path& root, const FolderEntries& entries,
                                  const FolderImageSpec& spec) {
    const EvalTransformSpec transform = spec.transform();
    check_eval_transform_spec(transform);
    const std::size_t n = entries.size();
    const auto side = static_cast<std::size_t>(spec.size);
    const std::size_t bytes = side * side * 3;
    ImageSet all;
    all.height = all.width = spec.size;
    all.channels = 3;
    all.pixels.resize(n * bytes);
    std::vector<std::string> errors(n);
    tbb::enumerable_thread_specific<Worker> workers;
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n), [&](const tbb::blocked_range<std::size_t>& r) {
        Worker& w = workers.local();
        for (std::size_t i = r.begin(); i != r.end(); ++i) {
            // A signal stops the decoding of a large folder within an image; TBB cancels the other chunks.
            throw_if_interrupted();
            const std::filesystem::path file = root / entries.relative_path(i);
            try {
                const std::vector<std::uint8_t> data = read_file_bytes(file);
                w.decoder.decode(data, file, {}, w.image);
                eval_crop_pixels(w.image.view(), transform, w.resample, all.pixels.data() + i * bytes);
            } catch (const Error& e) {
                errors[i] = e.what();
            }
        }
    });
    FolderImages out;
    std::vector<std::size_t> kept;
    for (std::size_t i = 0; i < n; ++i) {
        all.labels.push_back(entries.label(i));
        all.original_index.push_back(entries.original_index(i));
        if (errors[i].empty())
            kept.push_back(i);
        else
            out.bad.push_back(std::move(errors[i]));
    }
    if (!out.bad.empty() && !spec.skip_bad_images) fail_bad_images(out.bad);
    out.images = kept.size() == n ? std::move(all) : take(all, kept);
    return out;
}

}  // namespace lskd::data
