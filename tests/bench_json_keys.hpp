// The numeric keys of `lskd bench --json` for a classifier (bench/compare_pytorch.py reads them), shared by the test
// of the harness (tests/distill/test_step_benchmark.cpp) and of the command's output (tests/cli/test_json.cpp).
#pragma once
#include <set>
#include <string>

namespace lskd::testing {

// Printed by every classifier's bench, --infer-only included.
inline const std::set<std::string> kBenchCommonKeys{"batch",
                                                    "threads",
                                                    "peak_rss_mib",
                                                    "eval_batch",
                                                    "eval_infer_img_per_s",
                                                    "eval_infer_img_per_cpu_s",
                                                    "eval_infer_step_cpu_ms",
                                                    "infer_img_per_s",
                                                    "infer_step_ms",
                                                    "infer_step_cpu_ms",
                                                    "infer_profiled_step_ms",
                                                    "infer_primitives_ms",
                                                    "infer_gemm_ms",
                                                    "infer_gemm_cpu_ms",
                                                    "infer_overhead_share",
                                                    "infer_overhead_share_cpu"};
// Printed besides when the training steps ran.
inline const std::set<std::string> kBenchTrainKeys{
    "train_img_per_s", "train_step_ms",     "train_step_cpu_ms",    "train_profiled_step_ms",  "train_primitives_ms",
    "train_gemm_ms",   "train_gemm_cpu_ms", "train_overhead_share", "train_overhead_share_cpu"};

}  // namespace lskd::testing
