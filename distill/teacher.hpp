// A distillation teacher: a complete lskd run (a run directory) checked against the student's data and only ever run in
// inference mode. Without augmentation its logits are looked up per example from the cached training-split
// logits; with augmentation it is run on the student's own augmented batch. γ comes from the un-augmented
// training logits either way. distill_student is lskd distill: teacher checks, then training.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "distill/evaluation.hpp"
#include "distill/teacher_cache.hpp"
#include "distill/teacher_source.hpp"
#include "distill/trainer.hpp"
#include "framework/ops/precision.hpp"

namespace lskd::distill {

struct TeacherOptions {
    std::string cache_dir;            // directory of the logits caches; empty: no cache file
    std::int64_t batch = kEvalBatch;  // inference batch for the training-split logits
};

// Fails fast, before any data is loaded, from the teacher's header alone (its state is read once, by open_teacher):
// `path` is a whole, complete lskd run of the student's data set. Every problem is an Error naming the teacher.
RunHeader check_teacher_run(const std::string& path, const RunConfig& student);

class Teacher final : public TeacherSource {
public:
    const Tensor& logits(const data::Batch& batch) override;
    const TeacherInfo& info() const override { return info_; }

    bool live() const { return live_; }
    // Teacher batches evaluated so far, for the training-split logits and for live batches.
    std::int64_t forward_passes() const { return forward_passes_; }
    const CacheReport& cache() const { return cache_; }

private:
    friend std::unique_ptr<Teacher> open_teacher(const RunConfig&, const data::Dataset&, const TeacherOptions&);
    Teacher() = default;
    const Tensor& lookup(const data::Batch& batch);
    const Tensor& evaluate(const data::Batch& batch);

    TeacherInfo info_;
    std::shared_ptr<models::Classifier> model_;
    ops::Precision precision_ = ops::Precision::f32;  // the teacher run's own: its logits are the model it was
    bool live_ = false;
    std::int64_t forward_passes_ = 0;
    CacheReport cache_;
    TrainLogits train_;                                   // cached mode: the table looked up
    std::unordered_map<std::int64_t, std::int64_t> row_;  // original index → row of train_
    // Live mode: x_teacher = x_student·scale + shift per channel, mapping the student's normalisation to the
    // teacher's when their training splits differ; empty when they agree.
    std::vector<float> scale_, shift_;
    Tensor out_, input_;  // reused across steps
};

// Loads `student.teacher` once, checks it as check_teacher_run does and its class count and input shape against
// `dataset`, gets its training-split logits (cache or compute), and computes the student's γ at student.temperature.
std::unique_ptr<Teacher> open_teacher(const RunConfig& student, const data::Dataset& dataset,
                                      const TeacherOptions& options);

struct DistillResult {
    TrainSummary summary;
    TeacherInfo teacher;
    CacheReport cache;
    std::int64_t teacher_forward_passes = 0;
    bool live = false;
};

// lskd distill: validates the student's config, opens its teacher (every bad input fails here, before the
// output file exists) and trains the student with it; `hooks.teacher` is set here.
DistillResult distill_student(const RunConfig& student, const data::Dataset& dataset, const TrainOptions& options,
                              const TeacherOptions& teacher_options, TrainHooks hooks = {});

}  // namespace lskd::distill
