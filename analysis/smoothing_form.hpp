// Which label-smoothing target convention a run used (docs/method.md §2): it changes the optimal logit gap and
// the normalisation of the equivalent smoothing γ.
#pragma once

namespace lskd::analysis {

enum class SmoothingForm {
    muller,  // label class 1 − α + α/K, others α/K (lskd default, PyTorch label_smoothing)
    shen,    // label class 1 − α, others α/(K − 1) (Shen et al. eq. 1)
};

}  // namespace lskd::analysis
