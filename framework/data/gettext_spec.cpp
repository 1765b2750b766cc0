#include "framework/data/gettext_spec.hpp"

#include <set>

#include <yaml-cpp/yaml.h>

#include "framework/core/error.hpp"

namespace lskd::data {
namespace {

std::string text_field(const YAML::Node& map, const char* key, const std::string& where) {
    const YAML::Node value = map[key];
    if (!value || !value.IsScalar() || value.Scalar().empty()) fail("{}: '{}' must be a non-empty string", where, key);
    return value.Scalar();
}

void check_keys(const YAML::Node& map, std::set<std::string> known, const std::string& where) {
    if (!map.IsMap()) fail("{}: expected a mapping", where);
    for (const auto& kv : map)
        if (!known.count(kv.first.Scalar())) fail("{}: unknown key '{}'", where, kv.first.Scalar());
}

void add_package(const YAML::Node& item, const std::string& where, GettextSpec& spec) {
    check_keys(item, {"package", "domains"}, where);
    const std::string package = text_field(item, "package", where);
    const YAML::Node domains = item["domains"];
    if (!domains || !domains.IsSequence() || domains.size() == 0) fail("{}: 'domains' must be a non-empty list", where);
    for (const YAML::Node& d : domains) {
        if (!d.IsScalar() || d.Scalar().empty() || d.Scalar().find('/') != std::string::npos)
            fail("{}: a domain must be a file name without '/'", where);
        for (const GettextCatalogue& c : spec.catalogues)
            if (c.domain == d.Scalar()) fail("{}: domain '{}' is listed twice", where, c.domain);
        spec.catalogues.push_back({package, d.Scalar()});
    }
}

}  // namespace

GettextSpec parse_gettext_spec(std::string_view yaml, const std::string& origin) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
        fail("{}: not valid YAML: {}", origin, e.what());
    }
    check_keys(root, {"name", "language", "packages"}, origin);
    GettextSpec spec{text_field(root, "name", origin), text_field(root, "language", origin), {}};
    const YAML::Node packages = root["packages"];
    if (!packages || !packages.IsSequence() || packages.size() == 0)
        fail("{}: 'packages' must be a non-empty list", origin);
    for (std::size_t i = 0; i < packages.size(); ++i)
        add_package(packages[i], fmt::format("{} (packages.{})", origin, i), spec);
    return spec;
}

GettextSpec builtin_gettext_de_spec() {
    return parse_gettext_spec(builtin_gettext_de_config(), "built-in config 'gettext-de'");
}

}  // namespace lskd::data
