#include "analysis/token_calibration.hpp"

#include "analysis/input_checks.hpp"
#include "framework/core/error.hpp"

namespace lskd::analysis {

TokenCalibration token_calibration(std::span<const double> confidence, const std::vector<bool>& correct,
                                   const std::vector<bool>& is_eos, int bins) {
    if (is_eos.size() != confidence.size())
        fail("token_calibration: {} confidences but {} EOS flags", confidence.size(), is_eos.size());
    TokenCalibration out;
    out.all = reliability_diagram(confidence, correct, bins);
    out.ece = out.all.ece;
    out.tokens = out.all.examples;
    std::vector<double> eos_confidence;
    std::vector<bool> eos_correct;
    std::int64_t hits = 0;
    for (std::size_t i = 0; i < confidence.size(); ++i) {
        hits += correct[i] ? 1 : 0;
        if (!is_eos[i]) continue;
        eos_confidence.push_back(confidence[i]);
        eos_correct.push_back(correct[i]);
    }
    out.accuracy = static_cast<double>(hits) / static_cast<double>(out.tokens);
    out.eos_tokens = static_cast<std::int64_t>(eos_confidence.size());
    if (!eos_confidence.empty()) out.eos = reliability_diagram(eos_confidence, eos_correct, bins);
    return out;
}

TokenCalibration token_calibration(const Eigen::Ref<const RowMatrixF>& logits, std::span<const int> gold, int eos_id,
                                   double temperature, int bins) {
    check_logits(logits, "token_calibration");
    check_labels(gold, logits.rows(), logits.cols(), "token_calibration");
    if (eos_id < 0 || eos_id >= logits.cols())
        fail("token_calibration: EOS id {} is outside the vocabulary [0, {})", eos_id, logits.cols());
    const Predictions pred = predict(logits, temperature);
    std::vector<bool> correct(gold.size()), is_eos(gold.size());
    for (std::size_t i = 0; i < gold.size(); ++i) {
        correct[i] = pred.prediction[i] == gold[i];
        is_eos[i] = gold[i] == eos_id;
    }
    TokenCalibration out = token_calibration(pred.confidence, correct, is_eos, bins);
    out.temperature = temperature;
    out.nll = mean_nll(logits, gold, temperature);
    return out;
}

TokenTemperatureScaling token_temperature_scaling(const Eigen::Ref<const RowMatrixF>& fit_logits,
                                                  std::span<const int> fit_gold,
                                                  const Eigen::Ref<const RowMatrixF>& eval_logits,
                                                  std::span<const int> eval_gold, int eos_id, int bins,
                                                  TemperatureBounds bounds) {
    if (fit_logits.cols() != eval_logits.cols())
        fail("token_temperature_scaling: validation logits have {} columns, evaluation logits {}", fit_logits.cols(),
             eval_logits.cols());
    TokenTemperatureScaling out;
    out.fit = fit_temperature(fit_logits, fit_gold, bounds);
    out.before = token_calibration(eval_logits, eval_gold, eos_id, 1.0, bins);
    out.after = token_calibration(eval_logits, eval_gold, eos_id, out.fit.temperature, bins);
    return out;
}

}  // namespace lskd::analysis
