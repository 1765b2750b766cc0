#include "framework/data/folder_stream.hpp"

#include <algorithm>
#include <cstring>
#include <optional>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include "framework/core/error.hpp"
#include "framework/data/file_bytes.hpp"
#include "framework/data/image_decoder.hpp"

namespace lskd::data {
namespace {

// One image on its way through the pipeline; a ring of these is reused, as at most `tokens` are in flight.
struct Slot {
    std::size_t row = 0;       // in the batch being filled
    std::size_t position = 0;  // in the entries
    std::string path;
    std::vector<std::uint8_t> bytes;
    bool bad = false;
    std::string error;
};

// The decoder's errors start with the file's name and a colon. Naming the file costs two allocations per
// image (a std::filesystem::path splits itself into components), so the decoder gets no name and render() puts
// the slot's path in front of its message.
const std::filesystem::path kUnnamed;

// One thread's decoder and buffers.
struct Worker {
    ImageDecoder decoder;
    RgbImage image;
    TransformScratch scratch;
};

// `box` (full-size pixels) in the pixels of `decoded`, placed at `p`: fractional when the decode was scaled. The
// decoder promises that the decoded block covers the box; the resampler would read outside it otherwise.
ResampleBox box_in_decoded(double left, double top, double right, double bottom, const Placement& p,
                           const RgbImage& decoded) {
    const double s = p.scale;
    const ResampleBox b{static_cast<float>((left - p.x0) / s), static_cast<float>((top - p.y0) / s),
                        static_cast<float>((right - p.x0) / s), static_cast<float>((bottom - p.y0) / s)};
    LSKD_CHECK(b.left >= 0 && b.top >= 0 && b.left < b.right && b.top < b.bottom &&
                   b.right <= static_cast<float>(decoded.width) && b.bottom <= static_cast<float>(decoded.height),
               "box ({}, {}, {}, {}) outside the {}x{} decoded pixels", b.left, b.top, b.right, b.bottom, decoded.width,
               decoded.height);
    return b;
}

}  // namespace

FolderStreamSpec train_stream_spec(std::size_t batch_size, std::uint64_t seed) {
    FolderStreamSpec spec;
    spec.batch_size = batch_size;
    spec.seed = seed;
    return spec;
}

FolderStreamSpec eval_stream_spec(std::size_t batch_size) {
    FolderStreamSpec spec;
    spec.batch_size = batch_size;
    spec.shuffle = false;
    spec.transform = StreamTransform::eval;
    return spec;
}

struct FolderStream::Pipeline {
    Pipeline(const FolderStreamSpec& spec, const Normalization& norm);
    void render(Slot& s, std::uint64_t epoch, std::uint64_t index, float* out);
    void render_train(const Slot& slot, SeededDraws& draws, Worker& w, float* out) const;
    void render_eval(const Slot& slot, Worker& w, float* out) const;

    FolderStreamSpec spec;
    std::optional<TrainTransform> train;
    std::optional<EvalTransform> eval;
    std::size_t floats = 0;  // per image
    tbb::task_arena arena;
    tbb::enumerable_thread_specific<Worker> workers;
    std::vector<Slot> slots;
};

FolderStream::Pipeline::Pipeline(const FolderStreamSpec& s, const Normalization& norm)
    : spec(s), arena(s.threads > 0 ? s.threads : tbb::task_arena::automatic) {
    if (s.transform == StreamTransform::train) {
        train.emplace(s.train, norm);
        floats = train->output_floats();
    } else {
        eval.emplace(s.eval, norm);
        floats = eval->output_floats();
    }
    // Enough images in flight to keep every thread decoding while the serial stages read and finish.
    slots.resize(4 * static_cast<std::size_t>(arena.max_concurrency()));
}

// The crop is drawn on the displayed size, then only its pixels are decoded: at the coarsest DCT scale that keeps
// spec.train.size pixels across it when scaled decoding is on, else at full size, which is exactly the crop.
void FolderStream::Pipeline::render_train(const Slot& slot, SeededDraws& draws, Worker& w, float* out) const {
    const ImageGeometry shown = w.decoder.probe(slot.bytes, kUnnamed, spec.honour_exif);
    const CropBox box = train->draw_crop(shown.width, shown.height, draws);
    DecodeRequest request;
    request.region = PixelRegion{static_cast<int>(box.left), static_cast<int>(box.top), static_cast<int>(box.width),
                                 static_cast<int>(box.height)};
    request.honour_exif = spec.honour_exif;
    request.max_pixels = spec.max_pixels;
    if (spec.scaled_decode) request.min_width = request.min_height = static_cast<int>(spec.train.size);
    const ImageGeometry g = w.decoder.decode(slot.bytes, kUnnamed, request, w.image);
    const auto l = static_cast<double>(box.left), t = static_cast<double>(box.top);
    const ResampleBox in_decoded = box_in_decoded(l, t, l + static_cast<double>(box.width),
                                                  t + static_cast<double>(box.height), g.placement, w.image);
    train->finish(w.image.view(), in_decoded, draws, w.scratch, out);
}

// Evaluation decodes at full size always: it runs once an epoch, and a pretrained model is scored on
// torchvision's own pixels.
void FolderStream::Pipeline::render_eval(const Slot& slot, Worker& w, float* out) const {
    DecodeRequest request;
    request.honour_exif = spec.honour_exif;
    request.max_pixels = spec.max_pixels;
    w.decoder.decode(slot.bytes, kUnnamed, request, w.image);
    eval->apply(w.image.view(), w.scratch, out);
}

FolderStream::FolderStream(std::filesystem::path root, FolderEntries entries, const Normalization& norm,
                           const FolderStreamSpec& spec)
    : root_(std::move(root)),
      root_text_(root_.string()),
      entries_(std::move(entries)),
      spec_(spec),
      pipeline_(std::make_unique<Pipeline>(spec, norm)),
      bad_(entries_.size(), false) {
    if (spec.batch_size == 0) fail("batch size must be positive");
    if (entries_.size() == 0) fail("{}: no image to stream", root_.string());
}

FolderStream::~FolderStream() = default;

void FolderStream::begin_epoch(std::uint64_t epoch) {
    order_ = epoch_order(entries_.size(), spec_.shuffle, spec_.seed, epoch);
    epoch_ = epoch;
    started_ = true;
    cursor_ = 0;
}

std::size_t FolderStream::batches_per_epoch() const {
    return batches_in_epoch(entries_.size(), spec_.batch_size, spec_.drop_last);
}

Shape FolderStream::example_shape() const {
    const std::int64_t side = pipeline_->train ? spec_.train.size : spec_.eval.crop;
    return {side, side, 3};
}

void FolderStream::note_bad(std::size_t position, const std::string& message) {
    if (!spec_.skip_bad) throw Error(message);
    if (bad_[position]) return;
    bad_[position] = true;
    skipped_.push_back(message);
    if (spec_.bad_files)
        spec_.bad_files->note(std::string(root_text_).append(1, '/').append(entries_.relative_path(position)));
}

bool FolderStream::next(Batch& batch) {
    if (!started_) fail("FolderStream::next called before begin_epoch");
    for (;;) {
        const std::size_t n = std::min(spec_.batch_size, order_.size() - cursor_);
        if (n == 0 || (n < spec_.batch_size && spec_.drop_last)) {
            cursor_ = order_.size();
            return false;
        }
        const Shape view = example_shape();
        const Shape shape{static_cast<std::int64_t>(n), view[0], view[1], view[2]};
        if (!batch.images.defined() || batch.images.shape() != shape || !batch.images.unique())
            batch.images = Tensor::empty(shape);
        batch.labels.resize(n);
        batch.indices.resize(n);
        const std::size_t kept = run_pipeline(batch, n);
        cursor_ += n;
        if (kept == 0) continue;  // every image of the batch was bad and skipped
        if (kept < n) {
            const Shape fewer{static_cast<std::int64_t>(kept), view[0], view[1], view[2]};
            Tensor images = Tensor::empty(fewer);
            std::memcpy(images.data(), batch.images.data(), static_cast<std::size_t>(fewer.numel()) * sizeof(float));
            batch.images = std::move(images);
            batch.labels.resize(kept);
            batch.indices.resize(kept);
        }
        return true;
    }
}

// Bad files are marked in their slot rather than thrown from the parallel stage, so the error reported (or the
// skip) is that of the first bad file in the epoch's order, whatever the threads' timing.
std::size_t FolderStream::run_pipeline(Batch& batch, std::size_t n) {
    Pipeline& p = *pipeline_;
    const std::size_t* positions = order_.data() + cursor_;
    float* images = batch.images.data();
    std::size_t read = 0, kept = 0;
    const auto input = [&](tbb::flow_control& fc) -> Slot* {
        if (read == n) {
            fc.stop();
            return nullptr;
        }
        Slot& s = p.slots[read % p.slots.size()];
        s.row = read;
        s.position = positions[read++];
        s.bad = false;
        s.path.assign(root_text_).append(1, '/').append(entries_.relative_path(s.position));
        try {
            read_file_into(s.path.c_str(), s.bytes);
        } catch (const Error& e) {
            s.bad = true;
            s.error = e.what();
        }
        return &s;
    };
    const auto transform = [&](Slot* s) -> Slot* {
        if (!s->bad)
            p.render(*s, epoch_, static_cast<std::uint64_t>(entries_.original_index(s->position)),
                     images + s->row * p.floats);
        return s;
    };
    const auto finish = [&](Slot* s) {
        if (s->bad) return note_bad(s->position, s->error);
        if (kept != s->row)
            std::memmove(images + kept * p.floats, images + s->row * p.floats, p.floats * sizeof(float));
        batch.labels[kept] = entries_.label(s->position);
        batch.indices[kept] = entries_.original_index(s->position);
        ++kept;
    };
    p.arena.execute([&] {
        tbb::parallel_pipeline(p.slots.size(),
                               tbb::make_filter<void, Slot*>(tbb::filter_mode::serial_in_order, input) &
                                   tbb::make_filter<Slot*, Slot*>(tbb::filter_mode::parallel, transform) &
                                   tbb::make_filter<Slot*, void>(tbb::filter_mode::serial_in_order, finish));
    });
    return kept;
}

// One image into `out`; a bad file (or an image the transform refuses) marks the slot with an error naming it.
void FolderStream::Pipeline::render(Slot& s, std::uint64_t epoch, std::uint64_t index, float* out) {
    try {
        Worker& w = workers.local();
        if (train) {
            SeededDraws draws(spec.seed, epoch, index);
            render_train(s, draws, w, out);
        } else {
            render_eval(s, w, out);
        }
    } catch (const Error& e) {
        s.bad = true;
        const std::string_view message = e.what();
        s.error = s.path + (message.starts_with(": ") ? "" : ": ");
        s.error += message;
    }
}

}  // namespace lskd::data
