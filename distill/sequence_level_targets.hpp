// Sequence-level distillation (Kim & Rush 2016; docs/method.md §15): the data a student learns from when its
// training targets are its teacher's beam outputs. The sources, the validation and test splits and the vocabularies
// stay the data set's, so the student is scored against the true references.
#pragma once
#include "framework/data/sequence_dataset.hpp"
#include "models/search_options.hpp"
#include "models/transformer.hpp"

namespace lskd::distill {

// A copy of `dataset` whose every training example's target is `teacher`'s best hypothesis of its source under
// `search` (its only reference, in text and in ids).
data::SequenceDataset with_teacher_targets(const data::SequenceDataset& dataset, models::Transformer& teacher,
                                           const models::SearchOptions& search);

}  // namespace lskd::distill
