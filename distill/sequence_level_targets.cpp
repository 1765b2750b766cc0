#include "distill/sequence_level_targets.hpp"

#include "distill/sequence_decoding.hpp"
#include "framework/data/vocabulary_factory.hpp"

namespace lskd::distill {

data::SequenceDataset with_teacher_targets(const data::SequenceDataset& d, models::Transformer& teacher,
                                           const models::SearchOptions& search) {
    data::SequenceDataset out;
    out.name = d.name;
    out.origin = d.origin;
    out.hash = d.hash;
    out.train = d.train;
    out.val = d.val;
    out.test = d.test;
    out.source_vocab = data::make_vocabulary(d.source_vocab->kind(), d.source_vocab->serialize());
    out.target_vocab = data::make_vocabulary(d.target_vocab->kind(), d.target_vocab->serialize());
    out.train_encoded = d.train_encoded;
    out.val_encoded = d.val_encoded;
    out.test_encoded = d.test_encoded;
    const auto hypotheses = decode_examples(teacher, d.train_encoded, search);
    for (std::size_t i = 0; i < hypotheses.size(); ++i) {
        out.train_encoded[i].target = hypotheses[i];
        out.train.examples[i].references = {out.target_vocab->decode(hypotheses[i])};
    }
    return out;
}

}  // namespace lskd::distill
