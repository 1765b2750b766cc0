#include "study/decoding_analysis.hpp"

#include <cmath>
#include <filesystem>
#include <span>

#include <fmt/format.h>

#include "analysis/token_calibration.hpp"
#include "distill/checkpoint.hpp"
#include "distill/run_directory.hpp"
#include "distill/sequence_decoding.hpp"
#include "distill/sequence_run.hpp"
#include "distill/sequence_task.hpp"
#include "distill/split_outputs_file.hpp"
#include "framework/core/error.hpp"
#include "framework/data/vocabulary.hpp"
#include "framework/tensor/eigen_view.hpp"

namespace lskd::study {
namespace {

constexpr const char* kName = "decoding";
constexpr double kMaxTemperature = 100;

void check_grid(const std::string& run_dir, const std::vector<double>& temperatures) {
    if (temperatures.empty()) fail("{}: the decoding analysis needs at least one temperature", run_dir);
    for (double t : temperatures)
        if (!(t > 0 && t <= kMaxTemperature))
            fail("{}: decoding temperature {} is not in (0, {}]", run_dir, t, kMaxTemperature);
}

// What the analysis reads of a run, every check done before any decode.
struct RunInputs {
    distill::RunContents run;
    data::SequenceDataset dataset;
    distill::StoredOutputs test, val;
};

RunInputs read_inputs(const std::string& run_dir) {
    RunInputs in{distill::load_run(run_dir), {}, {}, {}};
    if (!in.run.sequence) fail("{}: not a sequence run; the decoding analysis needs one", run_dir);
    if (!in.run.complete) fail("{}: the run is not finished; the decoding analysis reads its last epoch", run_dir);
    if (in.run.config.val_size == 0)
        fail("{}: the run has no validation split (val-size 0); temperature scaling is fitted on held-out data",
             run_dir);
    const distill::RunDirectory dir(run_dir);
    in.test = distill::read_split_outputs(dir.outputs("test"), in.run.num_classes, false);
    in.val = distill::read_split_outputs(dir.outputs("val"), in.run.num_classes, false);
    in.dataset = distill::load_sequence_run_dataset(in.run.config);
    if (in.dataset.hash != in.run.sequence->corpus_hash)
        fail("{}: the corpus read from {} is not the one the run was trained on", run_dir, in.dataset.origin);
    distill::check_same_vocabularies(*in.run.sequence, in.dataset, run_dir);
    return in;
}

analysis::TokenCalibration calibrate(const distill::SplitOutputs& o, double temperature) {
    const std::vector<int> gold(o.labels.begin(), o.labels.end());
    return analysis::token_calibration(as_matrix(o.logits), gold, data::kEosId, temperature);
}

// The test split's beam decode at `temperature`, scored: (score, second).
std::pair<double, double> decode_score(models::Transformer& model, const RunInputs& in, const DecodingAnalysis& a,
                                       double temperature) {
    models::SearchOptions search = distill::search_options(in.run.config);
    search.temperature = static_cast<float>(temperature);
    const auto hypotheses = distill::decode_examples(model, in.dataset.test_encoded, search);
    const auto scores = distill::score_decodes(in.dataset.name, hypotheses, in.dataset.test, *in.dataset.target_vocab);
    return {scores.at(a.score_name), scores.at(a.second_name)};
}

DecodingAnalysis compute(const RunInputs& in, const std::vector<double>& temperatures) {
    DecodingAnalysis a;
    const bool g2p = distill::scored_as_g2p(in.dataset.name);
    a.score_name = g2p ? "wer" : "bleu";
    a.second_name = g2p ? "per" : "chrf";
    const auto model = distill::load_sequence_model(in.run);
    for (double t : temperatures) {
        const analysis::TokenCalibration c = calibrate(in.test.outputs, t);
        const auto [score, second] = decode_score(*model, in, a, t);
        a.sweep.push_back({t, c.nll.value_or(std::nan("")), c.ece, score, second});
    }
    const std::vector<int> val_gold(in.val.outputs.labels.begin(), in.val.outputs.labels.end());
    const std::vector<int> test_gold(in.test.outputs.labels.begin(), in.test.outputs.labels.end());
    const analysis::TokenTemperatureScaling ts = analysis::token_temperature_scaling(
        as_matrix(in.val.outputs.logits), val_gold, as_matrix(in.test.outputs.logits), test_gold, data::kEosId);
    a.fitted_temperature = ts.fit.temperature;
    a.ece_before = ts.before.ece;
    a.ece_after = ts.after.ece;
    a.nll_before = ts.before.nll.value_or(std::nan(""));
    a.nll_after = ts.after.nll.value_or(std::nan(""));
    std::tie(a.score_at_fitted, a.second_at_fitted) = decode_score(*model, in, a, a.fitted_temperature);
    return a;
}

void write(const std::string& run_dir, const RunInputs& in, const DecodingAnalysis& a) {
    write_analysis(run_dir, kName, [&](io::H5File& f) {
        std::vector<double> t, nll, ece, score, second;
        for (const DecodingPoint& p : a.sweep) {
            t.push_back(p.temperature);
            nll.push_back(p.nll);
            ece.push_back(p.ece);
            score.push_back(p.score);
            second.push_back(p.second);
        }
        f.write("/temperature", t);
        f.write("/nll", nll);
        f.write("/ece", ece);
        f.write("/score", score);
        f.write("/second", second);
        f.set_attr("/", "score_name", a.score_name);
        f.set_attr("/", "second_name", a.second_name);
        f.set_attr("/", "fitted_temperature", a.fitted_temperature);
        f.set_attr("/", "ece_before", a.ece_before);
        f.set_attr("/", "ece_after", a.ece_after);
        f.set_attr("/", "nll_before", a.nll_before);
        f.set_attr("/", "nll_after", a.nll_after);
        f.set_attr("/", "score_at_fitted", a.score_at_fitted);
        f.set_attr("/", "second_at_fitted", a.second_at_fitted);
        f.set_attr("/", "alpha", in.run.config.smoothing);
        f.set_attr("/", "beam", in.run.config.beam);
        f.set_attr("/", "length_norm", in.run.config.length_norm);
        f.set_attr("/", "length_alpha", in.run.config.length_alpha);
        f.set_attr("/", "test_tokens", static_cast<std::int64_t>(in.test.outputs.labels.size()));
        f.set_attr("/", "val_tokens", static_cast<std::int64_t>(in.val.outputs.labels.size()));
        f.set_attr("/", "test_examples", static_cast<std::int64_t>(in.dataset.test_encoded.size()));
    });
}

std::vector<double> column(const io::H5File& f, const char* name, std::size_t n) {
    std::vector<double> v = f.read<double>(name, 1).values;
    if (v.size() != n) fail("{}: {} has {} entries, temperature {}", f.path(), name, v.size(), n);
    return v;
}

}  // namespace

std::vector<double> default_decoding_temperatures() { return {0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5}; }

DecodingAnalysis read_decoding_analysis(const std::string& run_dir) {
    const std::string path = distill::RunDirectory(run_dir).analysis(kName);
    if (!std::filesystem::exists(path)) fail("{}: no decoding analysis (run lskd analyze decoding {})", path, run_dir);
    const io::H5File f = io::H5File::open_read(path);
    DecodingAnalysis a;
    const std::vector<double> t = f.read<double>("/temperature", 1).values;
    const auto nll = column(f, "/nll", t.size()), ece = column(f, "/ece", t.size());
    const auto score = column(f, "/score", t.size()), second = column(f, "/second", t.size());
    for (std::size_t i = 0; i < t.size(); ++i) a.sweep.push_back({t[i], nll[i], ece[i], score[i], second[i]});
    a.score_name = f.attr_string("/", "score_name");
    a.second_name = f.attr_string("/", "second_name");
    a.fitted_temperature = f.attr_double("/", "fitted_temperature");
    a.ece_before = f.attr_double("/", "ece_before");
    a.ece_after = f.attr_double("/", "ece_after");
    a.nll_before = f.attr_double("/", "nll_before");
    a.nll_after = f.attr_double("/", "nll_after");
    a.score_at_fitted = f.attr_double("/", "score_at_fitted");
    a.second_at_fitted = f.attr_double("/", "second_at_fitted");
    return a;
}

DecodingAnalysis decoding_analysis(const std::string& run_dir, const std::vector<double>& temperatures, bool force) {
    check_grid(run_dir, temperatures);
    distill::check_run_directory(run_dir);
    if (!force && std::filesystem::exists(distill::RunDirectory(run_dir).analysis(kName))) {
        DecodingAnalysis stored = read_decoding_analysis(run_dir);
        std::vector<double> grid;
        for (const DecodingPoint& p : stored.sweep) grid.push_back(p.temperature);
        if (grid == temperatures) return stored;
    }
    const RunInputs in = read_inputs(run_dir);
    DecodingAnalysis a = compute(in, temperatures);
    write(run_dir, in, a);
    return a;
}

std::string format_table(const DecodingAnalysis& a) {
    std::string out = fmt::format("{:>6} {:>8} {:>8} {:>8} {:>8}\n", "T", "NLL", "ECE", a.score_name, a.second_name);
    for (const DecodingPoint& p : a.sweep)
        out += fmt::format("{:>6.3f} {:>8.4f} {:>8.4f} {:>8.4f} {:>8.4f}\n", p.temperature, p.nll, p.ece, p.score,
                           p.second);
    out += fmt::format("{:>6.3f} {:>8.4f} {:>8.4f} {:>8.4f} {:>8.4f}  fitted on validation tokens (T = 1: NLL "
                       "{:.4f}, ECE {:.4f})\n",
                       a.fitted_temperature, a.nll_after, a.ece_after, a.score_at_fitted, a.second_at_fitted,
                       a.nll_before, a.ece_before);
    return out;
}

AnalysisSummary summarize(const DecodingAnalysis& a) {
    AnalysisSummary s;
    s.numbers = {{"temperature", a.fitted_temperature},
                 {"ece_before", a.ece_before},
                 {"ece_after", a.ece_after},
                 {"nll_before", a.nll_before},
                 {"nll_after", a.nll_after},
                 {a.score_name + "_at_fitted", a.score_at_fitted},
                 {a.second_name + "_at_fitted", a.second_at_fitted}};
    for (const DecodingPoint& p : a.sweep) {
        const std::string t = fmt::format("{:g}", p.temperature);
        s.numbers[a.score_name + "_t" + t] = p.score;
        s.numbers["ece_t" + t] = p.ece;
        s.numbers["nll_t" + t] = p.nll;
    }
    s.strings = {{"score_name", a.score_name}, {"second_name", a.second_name}};
    return s;
}

}  // namespace lskd::study
