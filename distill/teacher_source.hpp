// Where a student's teacher logits come from: a teacher run evaluated in inference mode, either once per
// training example and cached (no augmentation) or on the very batch the student sees (augmentation).
#pragma once
#include "distill/checkpoint.hpp"
#include "framework/data/batch_loader.hpp"
#include "framework/tensor/tensor.hpp"

namespace lskd::distill {

class TeacherSource {
public:
    virtual ~TeacherSource() = default;
    // Teacher logits [n, K] for the batch's examples, in the batch's order.
    virtual const Tensor& logits(const data::Batch& batch) = 0;
    virtual const TeacherInfo& info() const = 0;
};

}  // namespace lskd::distill
