#include "distill/token_evaluation.hpp"

#include <algorithm>
#include <cmath>

#include "analysis/token_calibration.hpp"
#include "framework/autograd/node.hpp"
#include "framework/data/token_batches.hpp"
#include "framework/data/vocabulary.hpp"
#include "framework/layers/eval_scope.hpp"
#include "framework/tensor/eigen_view.hpp"

namespace lskd::distill {
namespace {

// Appends the rows of the batch's non-padding positions.
void keep_tokens(const data::TokenBatch& b, const models::SequenceOutput& out, bool with_penultimate,
                 std::vector<float>& logits, std::vector<float>& penultimate, SplitOutputs& o) {
    const std::int64_t v = out.logits.dim(1), d = out.penultimate.dim(1);
    for (std::int64_t r = 0; r < b.rows; ++r)
        for (std::int64_t p = 0; p < b.target_lengths[static_cast<std::size_t>(r)]; ++p) {
            const std::int64_t row = r * b.target_length + p;
            const float* z = out.logits.value().data() + row * v;
            logits.insert(logits.end(), z, z + v);
            if (with_penultimate) {
                const float* h = out.penultimate.value().data() + row * d;
                penultimate.insert(penultimate.end(), h, h + d);
            }
            o.labels.push_back(b.target[static_cast<std::size_t>(row)]);
            o.indices.push_back(b.indices[static_cast<std::size_t>(r)] * kTokenStride + p);
        }
}

// Rows of the split in example order: the batcher groups by length, so the kept rows are sorted back by index.
void sort_by_index(SplitOutputs& o, std::int64_t v, std::int64_t d) {
    std::vector<std::size_t> order(o.indices.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return o.indices[a] < o.indices[b]; });
    SplitOutputs s;
    s.logits = Tensor::empty(o.logits.shape());
    if (o.penultimate.defined()) s.penultimate = Tensor::empty(o.penultimate.shape());
    for (std::size_t i = 0; i < order.size(); ++i) {
        const auto from = static_cast<std::int64_t>(order[i]), to = static_cast<std::int64_t>(i);
        std::copy_n(o.logits.data() + from * v, v, s.logits.data() + to * v);
        if (o.penultimate.defined()) std::copy_n(o.penultimate.data() + from * d, d, s.penultimate.data() + to * d);
        s.labels.push_back(o.labels[order[i]]);
        s.indices.push_back(o.indices[order[i]]);
    }
    o = std::move(s);
}

}  // namespace

data::TokenBatcher evaluation_batches(const std::vector<data::EncodedExample>& examples) {
    data::TokenBatchSpec spec;
    spec.max_sentences = kSequenceEvalBatch;
    spec.shuffle = false;
    data::TokenBatcher batcher(examples, spec);
    batcher.begin_epoch(0);
    return batcher;
}

SplitOutputs run_teacher_forced(models::Transformer& model, const std::vector<data::EncodedExample>& examples,
                                bool with_penultimate) {
    const nn::EvalScope eval(model);
    data::TokenBatcher batcher = evaluation_batches(examples);
    data::TokenBatch b;
    std::vector<float> logits, penultimate;
    SplitOutputs o;
    std::int64_t v = 0, d = 0;
    while (batcher.next(b)) {
        const models::SequenceOutput out =
            model.forward_tokens({b.source, b.rows, b.source_length}, {b.decoder_input, b.rows, b.target_length});
        v = out.logits.dim(1);
        d = out.penultimate.dim(1);
        keep_tokens(b, out, with_penultimate, logits, penultimate, o);
    }
    const auto tokens = static_cast<std::int64_t>(o.labels.size());
    o.logits = Tensor::from({tokens, v}, std::move(logits));
    if (with_penultimate) o.penultimate = Tensor::from({tokens, d}, std::move(penultimate));
    sort_by_index(o, v, d);
    return o;
}

SplitOutputs token_record(const SplitOutputs& outputs, std::int64_t per_token) {
    const std::int64_t v = outputs.logits.dim(1), d = outputs.penultimate.dim(1);
    std::vector<std::int64_t> seen(static_cast<std::size_t>(v), 0);
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < outputs.labels.size(); ++i)
        if (seen[static_cast<std::size_t>(outputs.labels[i])]++ < per_token) rows.push_back(i);
    SplitOutputs r;
    const auto n = static_cast<std::int64_t>(rows.size());
    r.logits = Tensor::empty({n, v});
    r.penultimate = Tensor::empty({n, d});
    for (std::int64_t j = 0; j < n; ++j) {
        const auto i = static_cast<std::int64_t>(rows[static_cast<std::size_t>(j)]);
        std::copy_n(outputs.logits.data() + i * v, v, r.logits.data() + j * v);
        std::copy_n(outputs.penultimate.data() + i * d, d, r.penultimate.data() + j * d);
        r.labels.push_back(outputs.labels[static_cast<std::size_t>(i)]);
        r.indices.push_back(outputs.indices[static_cast<std::size_t>(i)]);
    }
    return r;
}

TokenScores score_tokens(const SplitOutputs& outputs) {
    const auto logits = as_matrix(outputs.logits);
    const std::vector<int> gold(outputs.labels.begin(), outputs.labels.end());
    const analysis::TokenCalibration c = analysis::token_calibration(logits, gold, data::kEosId);
    TokenScores s;
    s.nll = c.nll.value_or(std::nan(""));
    s.accuracy = c.accuracy;
    s.ece = c.ece;
    s.eos_ece = c.eos ? c.eos->ece : std::nan("");
    return s;
}

}  // namespace lskd::distill
