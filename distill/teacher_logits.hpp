// A teacher given as its logits (lskd distill --teacher-logits FILE.h5, schema in docs/teacher-logits.md): any
// model's outputs on the training examples, checked against the student's data set before training.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "distill/run_config.hpp"
#include "distill/teacher_cache.hpp"
#include "distill/teacher_source.hpp"
#include "framework/data/dataset.hpp"

namespace lskd::distill {

inline constexpr const char* kTeacherLogitsFormat = "lskd-teacher-logits/1";

class TeacherLogits final : public TeacherSource {
public:
    // Reads and checks `path` against `dataset` (the student's data): the format and data-set attributes, K, every
    // logit finite, /train/indices unique, non-negative, within the training file when its size is known, and
    // covering every example of the student's training split; the optional /val and /test likewise (without
    // coverage). Computes the student's γ at `student.temperature`. Every problem is an Error naming the file.
    TeacherLogits(const std::string& path, const RunConfig& student, const data::Dataset& dataset);

    const Tensor& logits(const data::Batch& batch) override;
    const TeacherInfo& info() const override { return info_; }

private:
    TeacherInfo info_;
    TrainLogits train_;                                   // row i = the student's training example i
    std::unordered_map<std::int64_t, std::int64_t> row_;  // original index → row of train_
    Tensor out_;
};

}  // namespace lskd::distill
