// What lskd sweep and lskd study say on stderr before their first run: that a directory of the older flat layout
// was moved into the one of result_layout.hpp, and the plan with its estimate (sweep_estimate.hpp).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "study/sweep.hpp"
#include "study/sweep_calibration.hpp"

namespace lskd::study {

// layout::adopt_flat_layout for the runs of `plan`, said when anything moved (unless quiet).
void adopt_flat_layout(const std::string& dir, const std::vector<PlannedRun>& plan, bool quiet);

struct PlanNotice {
    const SweepConfig* config = nullptr;
    const std::vector<PlannedRun>* plan = nullptr;
    std::vector<bool> complete;                                              // per run of the plan
    std::function<const data::Dataset*(const distill::RunConfig&)> dataset;  // as EstimateInputs::dataset
    const SweepOptions& options;
    int parallel = 1;
    bool child_jobs = false;  // as EstimateInputs::child_jobs
};
// Calibrates (a few seconds) and prints the plan; a failed calibration is said in the plan, never an error.
void print_plan(const PlanNotice& notice);

}  // namespace lskd::study
