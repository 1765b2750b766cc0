#include "distill/sequence_task.hpp"

#include <array>
#include <cmath>

#include <fmt/format.h>

#include "distill/classification_task.hpp"
#include "distill/sequence_decoding.hpp"
#include "distill/split_outputs_file.hpp"
#include "distill/token_evaluation.hpp"
#include "framework/io/atomic_text.hpp"

namespace lskd::distill {
namespace {

data::TokenBatchSpec train_batches(const RunConfig& config) {
    data::TokenBatchSpec spec;
    spec.max_sentences = static_cast<std::size_t>(config.batch);
    spec.seed = config.seed;
    return spec;
}

// Rows [begin, end) of a batch, as a batch of their own (a data-parallel rank's share).
void copy_rows(const data::TokenBatch& from, distributed::Shard shard, data::TokenBatch& to) {
    const auto ls = static_cast<std::size_t>(from.source_length), lt = static_cast<std::size_t>(from.target_length);
    const auto slice = [](const auto& v, std::size_t begin, std::size_t count, auto& out) {
        out.assign(v.begin() + static_cast<std::ptrdiff_t>(begin),
                   v.begin() + static_cast<std::ptrdiff_t>(begin + count));
    };
    to.rows = static_cast<std::int64_t>(shard.count);
    to.source_length = from.source_length;
    to.target_length = from.target_length;
    slice(from.source, shard.begin * ls, shard.count * ls, to.source);
    slice(from.decoder_input, shard.begin * lt, shard.count * lt, to.decoder_input);
    slice(from.target, shard.begin * lt, shard.count * lt, to.target);
    slice(from.source_lengths, shard.begin, shard.count, to.source_lengths);
    slice(from.target_lengths, shard.begin, shard.count, to.target_lengths);
    slice(from.indices, shard.begin, shard.count, to.indices);
    to.target_tokens = 0;
    for (auto l : to.target_lengths) to.target_tokens += l;
}

// The names of a split's token scores in /metrics, NaN on epochs not scored.
void add_token_scores(EpochScores& s, const std::string& split, const TokenScores& t) {
    s[split + "_nll"] = t.nll;
    s[split + "_acc"] = t.accuracy;
    s[split + "_ece"] = t.ece;
    s[split + "_eos_ece"] = t.eos_ece;
}

TokenScores unscored() {
    const double nan = std::nan("");
    return {nan, nan, nan, nan};
}

}  // namespace

models::SearchOptions search_options(const RunConfig& config) {
    models::SearchOptions o;
    o.beam = static_cast<std::int32_t>(config.beam);
    o.length_norm = models::length_norm_from_name(config.length_norm);
    o.length_alpha = static_cast<float>(config.length_alpha);
    o.max_length_a = 2.0;
    o.max_length_b = 10;
    return o;
}

SequenceTask::SequenceTask(const RunConfig& config, const data::SequenceDataset& dataset, models::Transformer& model,
                           SequenceTeacher* teacher)
    : dataset_(dataset),
      model_(model),
      teacher_(teacher),
      smoothing_(config.smoothing),
      settings_(distill_settings(config)),
      search_(search_options(config)),
      record_per_token_(config.record_per_class),
      batcher_(dataset.train_encoded, train_batches(config)),
      steps_(static_cast<std::int64_t>(batcher_.batches_per_epoch())) {}

void SequenceTask::begin_epoch(std::int64_t epoch) {
    batcher_.begin_epoch(static_cast<std::uint64_t>(epoch));
    step_batch_ = &batch_;
}

bool SequenceTask::next_batch() {
    step_batch_ = &batch_;
    return batcher_.next(batch_);
}

void SequenceTask::keep_shard(distributed::Shard shard) {
    copy_rows(batch_, shard, shard_);
    step_batch_ = &shard_;
}

StepLoss SequenceTask::loss() {
    const data::TokenBatch& b = *step_batch_;
    const models::SequenceOutput out =
        model_.forward_tokens({b.source, b.rows, b.source_length}, {b.decoder_input, b.rows, b.target_length});
    const Tensor* teacher = teacher_ != nullptr ? &teacher_->logits(b) : nullptr;
    const TokenLoss l = token_loss(out.logits, b.target, smoothing_, teacher, settings_, workspace_);
    return {l.objective, l.reported, l.tokens, l.correct};
}

EpochScores SequenceTask::evaluate(bool scored, bool last) {
    EpochScores s;
    const double nan = std::nan("");
    const bool g2p = scored_as_g2p(dataset_.name);
    for (const char* name : g2p ? std::array{"test_wer", "test_per"} : std::array{"test_bleu", "test_chrf"})
        s[name] = nan;
    if (!scored) {
        add_token_scores(s, "test", unscored());
        add_token_scores(s, "val", unscored());
        return s;
    }
    SplitOutputs test = run_teacher_forced(model_, dataset_.test_encoded, false);
    add_token_scores(s, "test", score_tokens(test));
    SplitOutputs val;
    if (!dataset_.val_encoded.empty()) val = run_teacher_forced(model_, dataset_.val_encoded, false);
    add_token_scores(s, "val", val.logits.defined() ? score_tokens(val) : unscored());
    if (!last) return s;
    decodes_ = decode_examples(model_, dataset_.test_encoded, search_);
    for (const auto& [name, value] : score_decodes(dataset_.name, decodes_, dataset_.test, *dataset_.target_vocab))
        s["test_" + name] = value;
    test_ = std::move(test);
    val_ = std::move(val);
    return s;
}

std::string SequenceTask::describe(const EpochScores& s) const {
    std::string out = fmt::format("val nll {:.4f} acc {:.4f} | test nll {:.4f} acc {:.4f} ece {:.4f}", s.at("val_nll"),
                                  s.at("val_acc"), s.at("test_nll"), s.at("test_acc"), s.at("test_ece"));
    const bool g2p = scored_as_g2p(dataset_.name);
    const double first = s.at(g2p ? "test_wer" : "test_bleu");
    if (!std::isnan(first))
        out += g2p ? fmt::format(" | beam {} wer {:.4f} per {:.4f}", search_.beam, first, s.at("test_per"))
                   : fmt::format(" | beam {} bleu {:.2f} chrf {:.2f}", search_.beam, first, s.at("test_chrf"));
    return out;
}

void SequenceTask::write_records(const RunDirectory& run, std::int64_t epoch, io::BackgroundCommits* commits) {
    // Train and test as well as validation: the template-plane analysis fits its plane on train tokens.
    for (const auto& [split, examples] :
         {std::pair{"train", &dataset_.train_encoded}, std::pair{"val", &dataset_.val_encoded},
          std::pair{"test", &dataset_.test_encoded}}) {
        if (examples->empty()) continue;
        SplitOutputs all = run_teacher_forced(model_, *examples, true);
        write_split_outputs(run.record(split, epoch), split, epoch, token_record(all, record_per_token_), commits);
    }
}

void SequenceTask::write_outputs(const RunDirectory& run, std::int64_t epoch, io::BackgroundCommits* commits) {
    write_split_outputs(run.outputs("test"), "test", epoch, test_, commits);
    if (val_.logits.defined()) write_split_outputs(run.outputs("val"), "val", epoch, val_, commits);
    std::string text;
    for (const auto& h : decodes_) text += dataset_.target_vocab->decode(h) + "\n";
    io::write_text_atomic(run.outputs_dir() + "/test_decodes.txt", text);
    test_ = {};
    val_ = {};
}

}  // namespace lskd::distill
