// The hash recorded with a parallel corpus: FNV-1a (64-bit) over every example's length-prefixed source and
// references, in order, as 16 hex digits; equal for equal examples on every machine.
#pragma once
#include <span>
#include <string>

#include "framework/data/parallel_text.hpp"

namespace lskd::data {

std::string corpus_hash(std::span<const ParallelExample> examples);

}  // namespace lskd::data
