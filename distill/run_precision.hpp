// A run's compute precision (config field `precision`): f32, or bf16 mixed precision (framework/ops/precision.hpp),
// which is refused before anything trains or evaluates on a CPU without avx512_bf16 and amx_bf16.
#pragma once
#include "distill/run_config.hpp"
#include "framework/ops/precision.hpp"

namespace lskd::distill {

// The precision named `name` (f32, bf16); an Error naming the CPU flags bf16 needs when this CPU has neither.
// `what` names the run or command in the message.
ops::Precision checked_precision(const std::string& name, const std::string& what);
// checked_precision(config.precision, what).
ops::Precision run_precision(const RunConfig& config, const std::string& what);

}  // namespace lskd::distill
