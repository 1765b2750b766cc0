// The digest a ParallelCorpus records of its examples: 64-bit FNV-1a over each example's source and references,
// every string preceded by its length (8 bytes, little-endian) and every reference list by its size, as 16 lowercase
// hex digits. It hashes the examples, not the file, so a file and its gzip'd copy give the same digest.
#pragma once
#include <span>
#include <string>

#include "framework/data/parallel_text.hpp"

namespace lskd::data {

std::string parallel_corpus_hash(std::span<const ParallelExample> examples);

}  // namespace lskd::data
