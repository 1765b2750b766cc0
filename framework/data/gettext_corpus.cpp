#include "framework/data/gettext_corpus.hpp"

#include <unordered_set>

#include "framework/core/error.hpp"
#include "framework/data/corpus_hash.hpp"
#include "framework/data/gettext_filters.hpp"
#include "framework/data/mo_reader.hpp"

namespace lskd::data {

GettextCorpus read_gettext_corpus(const GettextSpec& spec, const std::filesystem::path& locale_dir) {
    GettextCorpus out;
    out.corpus.origin = spec.name;
    std::unordered_set<std::string> sources;
    for (const GettextCatalogue& c : spec.catalogues) {
        const std::filesystem::path file = locale_dir / spec.language / "LC_MESSAGES" / (c.domain + ".mo");
        std::error_code ec;
        if (!std::filesystem::exists(file, ec))
            fail("{}: {} is missing: it is installed by the Debian package '{}' (apt-get install {})", spec.name,
                 file.string(), c.package, c.package);
        std::int64_t kept = 0;
        for (const MoEntry& entry : read_mo(file).entries)
            for (auto& [source, target] : entry_pairs(entry))
                if (keep_message_pair(source, target) && sources.insert(source).second) {
                    out.corpus.examples.push_back({std::move(source), {std::move(target)}});
                    ++kept;
                }
        out.kept.push_back(kept);
    }
    if (out.corpus.examples.empty()) fail("{}: no message pair passed the filters", spec.name);
    out.corpus.hash = parallel_corpus_hash(out.corpus.examples);
    return out;
}

}  // namespace lskd::data
