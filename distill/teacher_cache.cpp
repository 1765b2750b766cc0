#include "distill/teacher_cache.hpp"

#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "framework/core/error.hpp"
#include "framework/io/atomic_file.hpp"
#include "framework/io/file_lock.hpp"
#include "framework/io/h5_file.hpp"
#include "framework/io/output_policy.hpp"

namespace lskd::distill {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The cache's rows rearranged into dataset.train's order, or nothing when the file cannot serve this
// teacher and split. A damaged or foreign file is a miss, not an error: it is rebuilt.
std::optional<TrainLogits> read_cache(const std::string& path, const std::string& hash, const data::Dataset& dataset,
                                      double& compute_seconds) {
    if (!std::filesystem::exists(path)) return std::nullopt;
    try {
        const io::H5File f = io::H5File::open_read(path);
        if (!f.has_attr("/", "format") || f.attr_string("/", "format") != kTeacherCacheFormat) return std::nullopt;
        if (f.attr_string("/", "teacher_hash") != hash || f.attr_string("/", "dataset") != dataset.name)
            return std::nullopt;
        const Tensor logits = f.read_tensor("/logits", 2);
        const auto labels = f.read<std::int32_t>("/labels", 1).values;
        const auto indices = f.read<std::int64_t>("/indices", 1).values;
        const std::int64_t K = logits.dim(1);
        if (K != dataset.num_classes || labels.size() != indices.size() ||
            static_cast<std::int64_t>(indices.size()) != logits.dim(0))
            return std::nullopt;
        std::unordered_map<std::int64_t, std::size_t> row_of;
        row_of.reserve(indices.size());
        for (std::size_t r = 0; r < indices.size(); ++r) row_of.emplace(indices[r], r);

        const data::ImageSplit train = data::image_split(dataset, data::SplitName::train);
        const std::span<const std::int32_t> train_labels = train.labels();
        TrainLogits out;
        out.logits = Tensor::empty({static_cast<std::int64_t>(train.size()), K});
        out.labels.assign(train_labels.begin(), train_labels.end());
        for (std::size_t i = 0; i < train.size(); ++i) {
            out.indices.push_back(train.original_index(i));
            const auto it = row_of.find(out.indices.back());
            if (it == row_of.end() || labels[it->second] != train_labels[i]) return std::nullopt;
            std::memcpy(out.logits.data() + static_cast<std::int64_t>(i) * K,
                        logits.data() + static_cast<std::int64_t>(it->second) * K,
                        static_cast<std::size_t>(K) * sizeof(float));
        }
        compute_seconds = f.has_attr("/", "compute_seconds") ? f.attr_double("/", "compute_seconds") : 0.0;
        return out;
    } catch (const Error&) {
        return std::nullopt;
    }
}

void write_cache(const std::string& path, const TeacherInfo& info, const data::Dataset& dataset, const TrainLogits& t,
                 double compute_seconds) {
    io::atomic_write(path, [&](io::H5File& f) {
        f.set_attr("/", "format", kTeacherCacheFormat);
        f.set_attr("/", "teacher_hash", info.hash);
        f.set_attr("/", "teacher_file", info.file);
        f.set_attr("/", "dataset", dataset.name);
        f.set_attr("/", "compute_seconds", compute_seconds);
        f.write("/logits", t.logits, io::Storage::uncompressed);  // logits deflate to 92 %: not worth it (run_file.cpp)
        f.write("/labels", t.labels);
        f.write("/indices", t.indices);
    });
}

}  // namespace

TrainLogits teacher_train_logits(models::Classifier& teacher, const data::Normalization& norm, const TeacherInfo& info,
                                 const data::Dataset& dataset, const std::string& cache_dir, std::int64_t batch,
                                 CacheReport& report) {
    const auto start = Clock::now();
    report = {};
    std::optional<io::FileLock> lock;
    if (!cache_dir.empty()) {
        report.path = (std::filesystem::path(cache_dir) / (info.hash + ".h5")).string();
        io::make_output_directory(cache_dir);
        // Students of one teacher started together: the first computes, the others wait and read its file.
        lock.emplace(io::FileLock::lock_file(report.path, "teacher cache"));
        if (auto cached = read_cache(report.path, info.hash, dataset, report.compute_seconds)) {
            report.hit = true;
            report.seconds = seconds_since(start);
            return std::move(*cached);
        }
    }
    // The teacher sees inputs normalised as in its own training, which may differ from the student's split.
    const data::ImageSplit train = data::image_split(dataset, data::SplitName::train);
    SplitOutputs o = run_model(teacher, train, norm, batch, false);
    TrainLogits out{std::move(o.logits), std::move(o.labels), std::move(o.indices)};
    report.forward_passes = (static_cast<std::int64_t>(train.size()) + batch - 1) / batch;
    report.compute_seconds = seconds_since(start);
    if (!report.path.empty()) write_cache(report.path, info, dataset, out, report.compute_seconds);
    report.seconds = seconds_since(start);
    return out;
}

std::string cache_report_text(const CacheReport& r) {
    if (r.hit)
        return fmt::format("read from the cache in {:.2f} s (computing them took {:.2f} s)", r.seconds,
                           r.compute_seconds);
    if (r.path.empty()) return fmt::format("computed in {:.2f} s", r.compute_seconds);
    return fmt::format("computed in {:.2f} s, written to the cache in {:.2f} s", r.compute_seconds,
                       r.seconds - r.compute_seconds);
}

}  // namespace lskd::distill
