// Which gettext catalogues make a built-in translation corpus: a pinned list of Debian packages and the text
// domains each installs, in an order that decides which translation of a repeated source is kept.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace lskd::data {

struct GettextCatalogue {
    std::string package;  // the Debian package installing the catalogue, named when it is missing
    std::string domain;   // <locale dir>/<language>/LC_MESSAGES/<domain>.mo
};

struct GettextSpec {
    std::string name;      // the corpus's name, its origin in runs ("gettext-de")
    std::string language;  // the locale directory's language ("de")
    std::vector<GettextCatalogue> catalogues;
};

// Parses the YAML form of configs/gettext-de.yaml; `origin` names the text in errors.
GettextSpec parse_gettext_spec(std::string_view yaml, const std::string& origin);

// configs/gettext-de.yaml, compiled in.
std::string_view builtin_gettext_de_config();
GettextSpec builtin_gettext_de_spec();

}  // namespace lskd::data
