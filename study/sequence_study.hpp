// lskd study of a sequence config (cmudict G2P or a translation corpus; docs/method.md §15): the sweep of its
// teachers, students and baselines (sweep.hpp), the template planes of each teacher over a token triple, the
// copy baseline of a translation corpus, and report.md (sequence_report.hpp). run_study hands it every config
// whose data set is a sequence one.
#pragma once
#include <string>

#include "study/study.hpp"

namespace lskd::study {

// The token triple of a sequence data set's planes: three vowel phones for cmudict, three German articles for
// gettext-de, the first three target tokens else.
std::string sequence_plane_triple(const std::string& dataset);

StudyResult run_sequence_study(const SweepConfig& config, const std::string& config_label, const StudyOptions& options);

}  // namespace lskd::study
