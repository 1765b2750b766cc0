// Token-level calibration of a sequence model (Müller et al. 2019, Table 3; docs/method.md §15): the reliability
// diagram and ECE over next-token predictions under teacher forcing, padding excluded by the caller, EOS
// included and also reported alone, and temperature scaling fitted on validation tokens. The EOS subset is the
// predictions whose gold token is EOS: fixed by the data, so it is the same set for every model and temperature.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "analysis/calibration.hpp"
#include "analysis/temperature_scaling.hpp"
#include "framework/tensor/eigen_view.hpp"

namespace lskd::analysis {

struct TokenCalibration {
    double temperature = 1;
    ReliabilityDiagram all;                 // every token, EOS included
    std::optional<ReliabilityDiagram> eos;  // the EOS tokens alone; empty when there are none
    std::int64_t tokens = 0;
    std::int64_t eos_tokens = 0;
    double ece = 0;             // = all.ece
    double accuracy = 0;        // share of tokens whose argmax is the gold token
    std::optional<double> nll;  // mean −log p(gold), nats; only when computed from logits
};

// From per-token (confidence, correct, is_eos) triples.
TokenCalibration token_calibration(std::span<const double> confidence, const std::vector<bool>& correct,
                                   const std::vector<bool>& is_eos, int bins = kDefaultCalibrationBins);

// From next-token logits [tokens, V] and the gold tokens: confidence = max softmax(z / T), correct when the
// argmax (lowest id on ties) is the gold token, EOS when the gold token is eos_id.
TokenCalibration token_calibration(const Eigen::Ref<const RowMatrixF>& logits, std::span<const int> gold, int eos_id,
                                   double temperature = 1.0, int bins = kDefaultCalibrationBins);

struct TokenTemperatureScaling {
    TemperatureFit fit;       // on the validation tokens
    TokenCalibration before;  // evaluation tokens at T = 1
    TokenCalibration after;   // evaluation tokens at the fitted T
};

TokenTemperatureScaling token_temperature_scaling(const Eigen::Ref<const RowMatrixF>& fit_logits,
                                                  std::span<const int> fit_gold,
                                                  const Eigen::Ref<const RowMatrixF>& eval_logits,
                                                  std::span<const int> eval_gold, int eos_id,
                                                  int bins = kDefaultCalibrationBins, TemperatureBounds bounds = {});

}  // namespace lskd::analysis
