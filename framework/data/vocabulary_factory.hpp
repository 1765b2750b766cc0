// Rebuilds a Vocabulary from what its serialize() wrote and its kind() ("char", "symbol" or "sentencepiece"), as a run
// stores them, so that a run decodes alone. An unknown kind or malformed bytes are an Error.
#pragma once
#include <memory>
#include <string>

#include "framework/data/vocabulary.hpp"

namespace lskd::data {

std::unique_ptr<Vocabulary> make_vocabulary(const std::string& kind, const std::string& serialized);

}  // namespace lskd::data
