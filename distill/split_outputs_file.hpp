// One split's outputs in a file of their own inside a run directory, written once and atomically: an epoch's
// activation record (with penultimate features) or a whole split's logits at the last epoch. Schema:
// docs/run-file.md ("Records and outputs").
#pragma once
#include <cstdint>
#include <string>

#include "distill/evaluation.hpp"
#include "framework/io/background_commits.hpp"

namespace lskd::distill {

struct StoredOutputs {
    std::string split;
    std::int64_t epoch = 0;  // the epoch after which the model produced them
    SplitOutputs outputs;    // penultimate defined only when the file holds it
};

// Writes `outputs` (with its penultimate features when defined) to a new file at `path`, replacing one of an
// earlier attempt at the same epoch atomically; with `commits`, the move into place finishes in the background.
void write_split_outputs(const std::string& path, const std::string& split, std::int64_t epoch,
                         const SplitOutputs& outputs, io::BackgroundCommits* commits = nullptr);

// Reads and checks a file of write_split_outputs: an Error naming it unless logits are [N, num_classes], labels
// and indices have N entries, labels lie in [0, num_classes) and, when `need_penultimate`, penultimate is [N, D].
StoredOutputs read_split_outputs(const std::string& path, std::int64_t num_classes, bool need_penultimate);

}  // namespace lskd::distill
