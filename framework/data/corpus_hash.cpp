#include "framework/data/corpus_hash.hpp"

#include <fmt/format.h>

#include "framework/data/fnv1a.hpp"

namespace lskd::data {

std::string parallel_corpus_hash(std::span<const ParallelExample> examples) {
    Fnv1a64 h;
    h.add_size(examples.size());
    for (const ParallelExample& e : examples) {
        h.add_string(e.source);
        h.add_size(e.references.size());
        for (const std::string& r : e.references) h.add_string(r);
    }
    return fmt::format("{:016x}", h.value());
}

}  // namespace lskd::data
