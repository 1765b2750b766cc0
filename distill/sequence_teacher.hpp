// A sequence student's teacher (docs/method.md §15): a complete sequence run of the student's data set, whose
// vocabularies must be the student's, run in inference mode on the student's very batch for the next-token logits
// on gold prefixes (word-level distillation). γ comes from its logits on the training split's first examples.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "distill/checkpoint.hpp"
#include "framework/data/sequence_dataset.hpp"
#include "framework/data/token_batches.hpp"
#include "models/transformer.hpp"

namespace lskd::distill {

// Training examples γ is measured on: enough tokens for a stable mean, few enough for any vocabulary size.
inline constexpr std::size_t kGammaExamples = 2000;

class SequenceTeacher {
public:
    // Loads `student.teacher` (every problem an Error naming the teacher) and measures γ at student.temperature.
    SequenceTeacher(const RunConfig& student, const data::SequenceDataset& dataset);

    // Next-token logits [rows·target_length, V] of the batch, reused across calls.
    const Tensor& logits(const data::TokenBatch& batch);
    const TeacherInfo& info() const { return info_; }
    models::Transformer& model() { return *model_; }

private:
    TeacherInfo info_;
    std::shared_ptr<models::Transformer> model_;
    Tensor out_;
};

// The model of a sequence run, with its stored parameters; its vocabularies are rebuilt from the header.
std::shared_ptr<models::Transformer> load_sequence_model(const RunContents& run);

// The header's vocabularies equal the data set's (a run decodes only text of its own vocabularies); an Error naming
// `what` and the side that differs otherwise.
void check_same_vocabularies(const SequenceHeader& header, const data::SequenceDataset& dataset,
                             const std::string& what);

}  // namespace lskd::distill
