#include "distill/sequence_teacher.hpp"

#include <algorithm>
#include <vector>

#include "analysis/equivalent_smoothing.hpp"
#include "distill/teacher.hpp"
#include "distill/token_evaluation.hpp"
#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/data/vocabulary_factory.hpp"
#include "framework/tensor/eigen_view.hpp"
#include "models/model_registry.hpp"

namespace lskd::distill {

std::shared_ptr<models::Transformer> load_sequence_model(const RunContents& run) {
    if (!run.sequence) fail("{}: not a sequence run (no /sequence group)", run.config.output);
    const auto& s = *run.sequence;
    const std::int64_t sv = data::make_vocabulary(s.source_vocab_kind, s.source_vocab)->size();
    const std::int64_t tv = data::make_vocabulary(s.target_vocab_kind, s.target_vocab)->size();
    models::ModelOptions options;
    options.dropout = run.config.dropout;
    auto model = models::make_sequence_model(run.config.model, sv, tv, run.config.seed, options);
    model->load_state(run.params);
    model->load_counters(run.counters);
    return model;
}

void check_same_vocabularies(const SequenceHeader& header, const data::SequenceDataset& dataset,
                             const std::string& what) {
    const auto same = [](const std::string& kind, const std::string& bytes, const data::Vocabulary& v) {
        return kind == v.kind() && bytes == v.serialize();
    };
    if (!same(header.source_vocab_kind, header.source_vocab, *dataset.source_vocab))
        fail("{}: its source vocabulary differs from the one built from this data (same data set, split and seed?)",
             what);
    if (!same(header.target_vocab_kind, header.target_vocab, *dataset.target_vocab))
        fail("{}: its target vocabulary differs from the one built from this data (same data set, split and seed?)",
             what);
}

SequenceTeacher::SequenceTeacher(const RunConfig& student, const data::SequenceDataset& dataset) {
    const RunHeader header = check_teacher_run(student.teacher, student);
    if (!header.sequence) fail("teacher {}: not a sequence run", student.teacher);
    check_same_vocabularies(*header.sequence, dataset, "teacher " + student.teacher);
    const RunContents run = load_run(student.teacher);
    model_ = load_sequence_model(run);
    model_->eval();
    info_.file = student.teacher;
    info_.hash = parameter_hash(run.params);
    info_.alpha = run.config.smoothing;
    info_.test_acc = run.metrics.at("test_acc").back();
    const std::size_t n = std::min(kGammaExamples, dataset.train_encoded.size());
    const std::vector<data::EncodedExample> first(dataset.train_encoded.begin(),
                                                  dataset.train_encoded.begin() + static_cast<std::ptrdiff_t>(n));
    const SplitOutputs o = run_teacher_forced(*model_, first, false);
    const auto logits = as_matrix(o.logits);
    const std::vector<int> labels(o.labels.begin(), o.labels.end());
    info_.gamma = analysis::equivalent_smoothing(logits, labels, student.temperature);
}

const Tensor& SequenceTeacher::logits(const data::TokenBatch& b) {
    NoGradGuard no_grad;
    const models::SequenceOutput out =
        model_->forward_tokens({b.source, b.rows, b.source_length}, {b.decoder_input, b.rows, b.target_length});
    out_ = out.logits.value();
    return out_;
}

}  // namespace lskd::distill
