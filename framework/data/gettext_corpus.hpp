// A built-in translation corpus read from the system's gettext catalogues (gettext-de: English → German
// messages of the pinned Debian packages): every catalogue's entries through the filters of gettext_filters.hpp,
// deduplicated by source (the first in pinned order wins), hashed over the kept pairs.
#pragma once
#include <cstdint>
#include <filesystem>
#include <vector>

#include "framework/data/gettext_spec.hpp"
#include "framework/data/parallel_text.hpp"

namespace lskd::data {

inline const std::filesystem::path kSystemLocaleDir = "/usr/share/locale";

struct GettextCorpus {
    ParallelCorpus corpus;           // origin: the spec's name
    std::vector<std::int64_t> kept;  // per catalogue of the spec: the pairs it added
};

// A missing catalogue is an error naming the .mo file and the package that installs it.
GettextCorpus read_gettext_corpus(const GettextSpec& spec, const std::filesystem::path& locale_dir = kSystemLocaleDir);

}  // namespace lskd::data
