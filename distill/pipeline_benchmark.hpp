// The harness behind `lskd bench --pipeline DIR`: the steady-state throughput of the streamed training transform
// (read, decode, RandomResizedCrop, flip, normalise) over an image folder, in full batches after warm-up ones.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "distill/step_benchmark.hpp"

namespace lskd::distill {

struct PipelineBenchmarkSpec {
    std::filesystem::path dir;  // one ImageFolder tree
    int threads = 0;            // 0: all hardware threads
    std::int64_t batch = 64;
    std::int64_t size = 224;
    std::int64_t batches = 20;  // timed
    std::int64_t warmup = 2;
    bool scaled_decode = true;
    std::uint64_t seed = 1;
};

struct PipelineBenchmark {
    PipelineBenchmarkSpec spec;
    int threads = 0;         // resolved
    std::size_t images = 0;  // in the folder
    Elapsed batch;           // mean per batch
    double images_per_second() const { return static_cast<double>(spec.batch) / batch.wall_s; }
    double images_per_cpu_second() const { return static_cast<double>(spec.batch) / batch.cpu_s; }
    std::map<std::string, double> numbers() const;
};

PipelineBenchmark run_pipeline_benchmark(const PipelineBenchmarkSpec& spec);

}  // namespace lskd::distill
