// A teacher's logits on the un-augmented training split, computed once in inference mode and kept in
// <cache dir>/<teacher parameter hash>.h5, so every later student of that teacher reads them instead.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "distill/checkpoint.hpp"
#include "distill/evaluation.hpp"
#include "framework/data/dataset.hpp"

namespace lskd::distill {

inline constexpr const char* kTeacherCacheFormat = "lskd-teacher-cache/1";

struct TrainLogits {
    Tensor logits;                      // [N, K], row i = dataset.train example i
    std::vector<std::int32_t> labels;   // N
    std::vector<std::int64_t> indices;  // N original indices
};

// How the logits were obtained, for the time-saving report.
struct CacheReport {
    std::string path;                 // the cache file; empty when caching is off
    bool hit = false;                 // read from the cache file
    double seconds = 0;               // spent now, loading or computing
    double compute_seconds = 0;       // what computing them took (now, or when the cache was written)
    std::int64_t forward_passes = 0;  // teacher batches evaluated now
};

// The logits of `teacher` (inputs normalised by `norm`, the teacher's own; file and hash from `info`) on
// dataset.train. A cache file is used when it is lskd's, of this teacher and data set, and holds every
// training example with the same label; otherwise the logits are computed (in batches of `batch`) and the
// file is replaced atomically. An empty `cache_dir` computes without a file. The cache file is locked while
// it is read or computed, so students of one teacher started at once compute its logits once.
TrainLogits teacher_train_logits(models::Classifier& teacher, const data::Normalization& norm, const TeacherInfo& info,
                                 const data::Dataset& dataset, const std::string& cache_dir, std::int64_t batch,
                                 CacheReport& report);

// How the logits were obtained, in words for a progress line: "read from the cache in 0.01 s (computing them took
// 0.52 s)", "computed in 0.52 s, written to the cache in 0.03 s", or "computed in 0.52 s" without a cache.
std::string cache_report_text(const CacheReport& report);

}  // namespace lskd::distill
