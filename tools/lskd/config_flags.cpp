#include <fmt/format.h>

#include "distill/run_file.hpp"
#include "framework/core/error.hpp"
#include "tools/lskd/command.hpp"

namespace lskd::cli {

void add_config_flags(CLI::App& cmd, ConfigFlags& flags) {
    cmd.add_option("--config", flags.config_file, "YAML config file; flags override its keys");
    for (const auto& field : distill::config_fields())
        cmd.add_option_function<std::string>("--" + field.key,
                                             [&flags, key = field.key](const std::string& v) { flags.values[key] = v; },
                                             field.help);
}

distill::RunConfig resolve_config(const ConfigFlags& flags, const std::string& resume_path) {
    distill::RunConfig config;
    if (!resume_path.empty()) {
        config = distill::load_run(resume_path).config;
        config.output = resume_path;
        if (flags.values.count("epochs")) distill::find_config_field("epochs")->parse(config, flags.values.at("epochs"));
        return config;
    }
    if (!flags.config_file.empty()) distill::apply_yaml_file(config, flags.config_file);
    for (const auto& [key, value] : flags.values) {
        const distill::ConfigField* field = distill::find_config_field(key);
        try {
            field->parse(config, value);
        } catch (const Error& e) {
            fail("--{}: {}", key, e.what());
        }
    }
    return config;
}

std::string json_line(const std::map<std::string, double>& numbers, const std::map<std::string, std::string>& strings) {
    std::string out = "{";
    auto sep = [&out] {
        if (out.size() > 1) out += ", ";
    };
    for (const auto& [k, v] : numbers) {
        sep();
        out += std::isfinite(v) ? fmt::format("\"{}\": {}", k, v) : fmt::format("\"{}\": null", k);
    }
    for (const auto& [k, v] : strings) {
        sep();
        std::string escaped;
        for (char c : v) {
            if (c == '"' || c == '\\') escaped += '\\';
            escaped += c;
        }
        out += fmt::format("\"{}\": \"{}\"", k, escaped);
    }
    return out + "}";
}

}  // namespace lskd::cli
