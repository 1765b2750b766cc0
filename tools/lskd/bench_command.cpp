// lskd bench: parses the flags, runs the step benchmark (distill/step_benchmark.hpp, for a sequence model
// distill/sequence_benchmark.hpp, for --pipeline DIR distill/pipeline_benchmark.hpp) and prints its numbers: one JSON
// line, or the throughput and roofline of each phase, with --breakdown every primitive of the step.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "distill/pipeline_benchmark.hpp"
#include "distill/sequence_benchmark.hpp"
#include "distill/step_benchmark.hpp"
#include "framework/core/error.hpp"
#include "tools/lskd/command.hpp"

namespace lskd::cli {
namespace {

using distill::PhaseCost;

// `units` per step, named `unit` ("img", "tok", "words").
void print_cost(const char* phase, const PhaseCost& c, double units, const char* unit = "img") {
    fmt::print("{}: {:.2f} ms/step ({:.0f} {}/s), CPU {:.2f} ms/step ({:.0f} {} per CPU second)\n", phase,
               1e3 * c.step.wall_s, units / c.step.wall_s, unit, 1e3 * c.step.cpu_s, units / c.step.cpu_s, unit);
    fmt::print("  GEMM-like primitives alone: {:.2f} ms (CPU {:.2f} ms), bound {:.0f} {}/s; step at {:.0f} % of it "
               "(CPU {:.0f} %); overhead {:.1f} % (CPU {:.1f} %)\n",
               1e3 * c.gemm_alone.wall_s, 1e3 * c.gemm_alone.cpu_s, units / c.gemm_alone.wall_s, unit,
               100.0 * c.gemm_alone.wall_s / c.step.wall_s, 100.0 * c.gemm_alone.cpu_s / c.step.cpu_s,
               100.0 * c.overhead_share(), 100.0 * c.overhead_share_cpu());
    const distill::Elapsed outside = c.outside_primitives();
    fmt::print("  profiled step {:.2f} ms (CPU {:.2f}): all primitives {:.2f} ms (CPU {:.2f}), outside them {:.2f} ms "
               "(CPU {:.2f})\n",
               1e3 * c.profiled_step.wall_s, 1e3 * c.profiled_step.cpu_s, 1e3 * c.primitives.wall_s,
               1e3 * c.primitives.cpu_s, 1e3 * outside.wall_s, 1e3 * outside.cpu_s);
}

void print_lines(const PhaseCost& c) {
    fmt::print("  {:>9} {:>9} {:>5} {:>9} {:>9}  primitive (ms per step)\n", "wall", "CPU", "runs", "alone",
               "alone CPU");
    for (const auto& l : c.lines)
        fmt::print("  {:9.3f} {:9.3f} {:5.1f} {:9.3f} {:9.3f}  {}\n", 1e3 * l.in_step.wall_s, 1e3 * l.in_step.cpu_s,
                   l.runs_per_step, 1e3 * l.alone.wall_s, 1e3 * l.alone.cpu_s, l.what);
}

void print_text(const distill::StepBenchmark& r, bool breakdown) {
    const distill::StepBenchmarkSpec& s = r.spec;
    const double batch = static_cast<double>(s.batch), eval_batch = static_cast<double>(s.eval_batch);
    fmt::print("{} {} batch {} threads {}: inference {:.0f} img/s (at the eval batch {}: {:.0f} img/s, {:.0f} img per "
               "CPU second)\n",
               s.model, s.precision, s.batch, r.threads, batch / r.infer.step.wall_s, s.eval_batch,
               eval_batch / r.eval_infer.wall_s, eval_batch / r.eval_infer.cpu_s);
    if (!s.infer_only) {
        fmt::print("train {:.0f} img/s, peak RSS {:.0f} MiB\n", batch / r.train.step.wall_s, r.train.peak_rss_mib);
        print_cost("train", r.train, batch);
        if (breakdown) print_lines(r.train);
    }
    print_cost("inference", r.infer, batch);
    if (breakdown) print_lines(r.infer);
}

void print_sequence_text(const distill::SequenceBenchmark& r, bool breakdown) {
    const distill::SequenceBenchmarkSpec& s = r.spec;
    const double words = static_cast<double>(s.batch);
    fmt::print("{} {} batch {} (source {} + EOS, target {} + EOS, vocabularies {}/{}) threads {}: train {:.0f} target "
               "tok/s, beam {} {:.0f} words/s, greedy {:.0f} words/s, peak RSS {:.0f} MiB\n",
               s.model, s.precision, s.batch, s.source_length, s.target_length, s.source_vocab, s.target_vocab,
               r.threads, static_cast<double>(r.target_tokens) / r.train.step.wall_s, s.beam,
               words / r.beam.step.wall_s, words / r.greedy.wall_s, r.train.peak_rss_mib);
    print_cost("train", r.train, static_cast<double>(r.target_tokens), "tok");
    if (breakdown) print_lines(r.train);
    print_cost("beam search", r.beam, words, "words");
    if (breakdown) print_lines(r.beam);
    fmt::print("greedy: {:.2f} ms/pass ({:.0f} words/s), CPU {:.2f} ms/pass\n", 1e3 * r.greedy.wall_s,
               words / r.greedy.wall_s, 1e3 * r.greedy.cpu_s);
}

// The flags a sequence model adds; --batch, --steps, --warmup and --threads are copied in from the shared ones.
void add_sequence_flags(CLI::App* cmd, distill::SequenceBenchmarkSpec& q) {
    cmd->add_option("--source-length", q.source_length, "sequence models: source tokens per row (EOS not counted)");
    cmd->add_option("--target-length", q.target_length, "sequence models: target tokens per row (EOS not counted)");
    cmd->add_option("--source-vocab", q.source_vocab, "sequence models: source vocabulary (4 special ids included)");
    cmd->add_option("--target-vocab", q.target_vocab, "sequence models: target vocabulary (4 special ids included)");
    cmd->add_option("--beam", q.beam, "sequence models: beam width of the decoding benchmark");
    cmd->add_option("--decode-passes", q.decode_passes, "sequence models: timed decoding passes over --batch sources");
}

int run_sequence(const distill::StepBenchmarkSpec& spec, distill::SequenceBenchmarkSpec q, bool json, bool breakdown) {
    q.model = spec.model;
    q.precision = spec.precision;
    q.batch = spec.batch;
    q.steps = spec.steps;
    q.warmup = spec.warmup;
    q.threads = spec.threads;
    const distill::SequenceBenchmark result = distill::run_sequence_benchmark(q);
    if (json)
        fmt::print("{}\n", json_line(result.numbers(), {{"model", q.model}, {"precision", q.precision}}));
    else
        print_sequence_text(result, breakdown);
    return 0;
}

int run_pipeline(const distill::StepBenchmarkSpec& spec, distill::PipelineBenchmarkSpec p, bool json) {
    p.threads = spec.threads;
    p.batch = spec.batch;
    p.batches = spec.steps;
    p.warmup = spec.warmup;
    const distill::PipelineBenchmark r = distill::run_pipeline_benchmark(p);
    if (json) {
        fmt::print("{}\n", json_line(r.numbers(), {{"pipeline", p.dir.string()}}));
        return 0;
    }
    fmt::print("{} ({} images) to {}x{}, {} decoding, batch {} threads {}: {:.0f} img/s, {:.0f} img per CPU second "
               "({:.2f} ms per batch, CPU {:.2f} ms)\n",
               p.dir.string(), r.images, p.size, p.size, p.scaled_decode ? "DCT-scaled" : "full-size", p.batch,
               r.threads, r.images_per_second(), r.images_per_cpu_second(), 1e3 * r.batch.wall_s, 1e3 * r.batch.cpu_s);
    return 0;
}

std::vector<std::string> all_model_names() {
    std::vector<std::string> names = models::model_names(models::ModelKind::classifier);
    for (const auto& n : models::model_names(models::ModelKind::sequence)) names.push_back(n);
    return names;
}

}  // namespace

Runner add_bench_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("bench", "measure training and inference throughput on synthetic input");
    struct State {
        distill::StepBenchmarkSpec spec;
        distill::SequenceBenchmarkSpec sequence;
        distill::PipelineBenchmarkSpec pipeline;
        std::string input = "28x28x1";
        bool json = false, list_models = false, breakdown = false;
    };
    auto s = std::make_shared<State>();
    distill::StepBenchmarkSpec& spec = s->spec;
    cmd->footer("Models (name, input shapes, description):\n" + models::model_listing());
    cmd->add_option("--model", spec.model, "model name (listed below)")->check(CLI::IsMember(all_model_names()));
    cmd->add_flag("--list-models", s->list_models, "print the models and exit");
    cmd->add_option("--input", s->input, "input HxWxC (28x28x1 or 32x32x3)");
    cmd->add_option("--batch", spec.batch, "batch size");
    cmd->add_option("--steps", spec.steps, "timed steps");
    cmd->add_option("--warmup", spec.warmup, "untimed steps first");
    cmd->add_option("--classes", spec.classes, "number of classes");
    cmd->add_option("--threads", spec.threads, "threads (0: all)")->check(CLI::Range(0, distill::max_threads()));
    cmd->add_flag("--json", s->json, "print one JSON line");
    cmd->add_option("--eval-batch", spec.eval_batch,
                    "inference is also measured at this batch: by default the one evaluation runs at (lskd eval, "
                    "teacher logits, records)");
    cmd->add_flag("--infer-only", spec.infer_only, "skip the training steps");
    cmd->add_option("--precision", spec.precision,
                    "compute precision of convolutions, inner products and matmuls: f32, or bf16 (needs avx512_bf16 or "
                    "amx_bf16)")
        ->check(CLI::IsMember({"f32", "bf16"}));
    cmd->add_flag("--breakdown", s->breakdown, "list every primitive of the step with its time (not with --json)");
    add_sequence_flags(cmd, s->sequence);
    cmd->add_option("--pipeline", s->pipeline.dir,
                    "instead of a model: the streamed training transform (decode, RandomResizedCrop, flip, "
                    "normalise) over this image folder, --batch images per step")
        ->check(CLI::ExistingDirectory);
    cmd->add_option("--size", s->pipeline.size, "--pipeline: side of the square output");
    cmd->add_flag("!--full-decode", s->pipeline.scaled_decode,
                  "--pipeline: decode JPEGs at full size, as torchvision does, not DCT-scaled");
    return [s] {
        require_one_process("bench");
        if (s->list_models) {
            fmt::print("{}", models::model_listing());
            return 0;
        }
        if (!s->pipeline.dir.empty()) return run_pipeline(s->spec, s->pipeline, s->json);
        const auto& sequences = models::model_names(models::ModelKind::sequence);
        if (std::find(sequences.begin(), sequences.end(), s->spec.model) != sequences.end())
            return run_sequence(s->spec, s->sequence, s->json, s->breakdown);
        models::InputShape& shape = s->spec.input;
        if (std::sscanf(s->input.c_str(), "%ldx%ldx%ld", &shape.height, &shape.width, &shape.channels) != 3)
            fail("--input: '{}' is not HxWxC", s->input);
        const distill::StepBenchmark result = distill::run_step_benchmark(s->spec);
        if (s->json)
            fmt::print("{}\n",
                       json_line(result.numbers(), {{"model", s->spec.model}, {"precision", s->spec.precision}}));
        else
            print_text(result, s->breakdown);
        return 0;
    };
}

}  // namespace lskd::cli
