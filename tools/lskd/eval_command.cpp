// lskd eval RUN: rebuilds the model from its run directory's checkpoint and scores a split (accuracy, NLL, ECE; for a
// sequence run per target token under teacher forcing, then the run's beam search scored as WER/PER or BLEU/chrF2).
// Under an MPI launcher an image split is shared among the ranks and rank 0 scores and prints what one process would
// (docs/scale.md); a sequence run is evaluated by one process.
#include <map>
#include <string>

#include <fmt/format.h>

#include "distill/checkpoint.hpp"
#include "distill/evaluation.hpp"
#include "distill/imported_run.hpp"
#include "distill/run_precision.hpp"
#include "distill/sequence_decoding.hpp"
#include "distill/sequence_run.hpp"
#include "distill/sequence_task.hpp"
#include "distill/sequence_teacher.hpp"
#include "distill/token_evaluation.hpp"
#include "distill/trainer.hpp"
#include "framework/core/error.hpp"
#include "framework/io/file_lock.hpp"
#include "framework/runtime/threads.hpp"
#include "tools/lskd/command.hpp"

namespace lskd::cli {

namespace {

struct EvalFlags {
    std::string path, split = "test", data_dir;
    int threads = 0;
    bool json = false, write_outputs = false;
};

void print_scores(const EvalFlags& f, const std::string& precision, const char* unit, std::size_t count,
                  const distill::SplitMetrics& m, const std::map<std::string, double>& decoded) {
    if (f.json) {
        std::map<std::string, double> numbers = decoded;
        numbers.insert(
            {{"accuracy", m.accuracy}, {"nll", m.nll}, {"ece", m.ece}, {"examples", static_cast<double>(count)}});
        fmt::print("{}\n", json_line(numbers, {{"split", f.split}, {"run", f.path}, {"precision", precision}}));
        return;
    }
    fmt::print("{} on {} ({} {}, {}): accuracy {:.4f}  nll {:.4f}  ece {:.4f}", f.path, f.split, count, unit, precision,
               m.accuracy, m.nll, m.ece);
    for (const auto& [name, value] : decoded) fmt::print("  {} {:.4f}", name, value);
    fmt::print("\n");
}

// Token scores under teacher forcing, then the decodes of the run's own search (its beam and length rule).
int eval_sequence_run(const EvalFlags& f, const distill::RunContents& run, distill::RunConfig config) {
    require_one_process("eval of a sequence run");
    const data::SequenceDataset dataset = distill::load_sequence_run_dataset(config);
    distill::check_same_vocabularies(*run.sequence, dataset, f.path);
    auto model = distill::load_sequence_model(run);
    const ops::PrecisionGuard precision(distill::run_precision(run.config, f.path));
    const auto& examples = f.split == "train" ? dataset.train_encoded
                           : f.split == "val" ? dataset.val_encoded
                                              : dataset.test_encoded;
    const auto& corpus = f.split == "train" ? dataset.train : f.split == "val" ? dataset.val : dataset.test;
    const distill::SplitMetrics m = distill::score(distill::run_teacher_forced(*model, examples, false));
    const auto decodes = distill::decode_examples(*model, examples, distill::search_options(config));
    print_scores(f, config.precision, "sentences", examples.size(), m,
                 distill::score_decodes(config.dataset, decodes, corpus, *dataset.target_vocab));
    return 0;
}

// The splits an image folder must decode: the one scored, or all of them for --write-outputs (a streamed folder
// decodes none up front: it scores a batch at a time).
data::SplitsWanted splits_for(const std::string& split, bool all) {
    if (all) return {};
    return {split == "train", split == "val", split == "test"};
}

void check_matches(const std::string& path, const distill::RunContents& run, const data::Dataset& dataset,
                   const data::ImageSplit& set) {
    if (dataset.num_classes != run.num_classes)
        fail("{}: the run has {} classes but data set {} has {}", path, run.num_classes, dataset.name,
             dataset.num_classes);
    const Shape in = set.example_shape();
    if (in[0] != run.input.height || in[1] != run.input.width || in[2] != run.input.channels)
        fail("{}: the run's model takes {} inputs but data set {} gives {}x{}x{} (an image folder's image-size sets "
             "them)",
             path, run.input.str(), dataset.name, in[0], in[1], in[2]);
}

data::SplitName split_named(const std::string& split) {
    return split == "train" ? data::SplitName::train : split == "val" ? data::SplitName::val : data::SplitName::test;
}

// --write-outputs: the outputs and records an imported run lacks, under the run directory's lock.
void write_outputs(const std::string& path, const distill::RunContents& run, models::Classifier& model,
                   data::Dataset& dataset) {
    const io::FileLock lock =
        io::FileLock::try_lock_directory(distill::RunDirectory(path).dir(), "eval --write-outputs");
    dataset.normalization = run.normalization;
    distill::write_imported_outputs(distill::RunDirectory(path), run, model, dataset);
    fmt::print("{}: wrote the outputs of val and test and the records of epoch 0\n", path);
}

}  // namespace

Runner add_eval_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("eval", "evaluate a run's model on a split");
    auto s = std::make_shared<EvalFlags>();
    cmd->add_option("run", s->path, "run directory (written by lskd train or lskd distill)")->required();
    cmd->add_option("--split", s->split, "train, val or test")->check(CLI::IsMember({"train", "val", "test"}));
    cmd->add_option("--data-dir", s->data_dir, "the data set's directory, if not the one the run used");
    cmd->add_option("--threads", s->threads, "threads (0: all)")->check(CLI::Range(0, distill::max_threads()));
    cmd->add_flag("--json", s->json, "print one JSON line");
    cmd->add_flag("--write-outputs", s->write_outputs,
                  "imported runs: also write the val and test outputs and the records the analyses read");
    return [s] {
        runtime::init_threads(s->threads);
        const distill::RunContents run = distill::load_run(s->path);
        distill::RunConfig config = run.config;
        if (!s->data_dir.empty()) config.data_dir = s->data_dir;
        if (run.sequence) return eval_sequence_run(*s, run, config);
        if (s->write_outputs) require_one_process("eval --write-outputs");
        data::Dataset dataset = distill::load_run_dataset(config, splits_for(s->split, s->write_outputs));
        // A streamed run (image-stream) is scored by streaming its split's files too.
        const data::ImageSplit set = data::image_split(dataset, split_named(s->split));
        check_matches(s->path, run, dataset, set);
        auto model = distill::load_model(run);
        const ops::PrecisionGuard precision(distill::run_precision(run.config, s->path));
        if (s->write_outputs) write_outputs(s->path, run, *model, dataset);
        const distill::SplitOutputs outputs = distill::run_model_over_ranks(
            *model, set, run.normalization, distill::kEvalBatch, static_cast<int>(run.num_classes), process_world());
        if (!process_world().root()) return 0;  // rank 0 scores and reports
        print_scores(*s, config.precision, "examples", outputs.labels.size(), distill::score(outputs), {});
        return 0;
    };
}

}  // namespace lskd::cli
