#include <fmt/format.h>

#include "distill/checkpoint.hpp"
#include "distill/checkpointing.hpp"
#include "framework/core/error.hpp"
#include "tools/lskd/command.hpp"

namespace lskd::cli {

void add_config_flags(CLI::App& cmd, ConfigFlags& flags) {
    cmd.add_option("--config", flags.config_file, "YAML config file; flags override its keys");
    for (const auto& field : distill::config_fields())
        cmd.add_option_function<std::string>(
               "--" + field.key, [&flags, key = field.key](const std::string& v) { flags.values[key] = v; }, field.help)
            ->type_name(field.type);
}

void add_sweep_override_flags(CLI::App& cmd, study::SweepOverrides& overrides) {
    cmd.add_option("--data-dir", overrides.data_dir,
                   "the data set's directory, for every run (sets the config's 'data-dir')");
    cmd.add_option("--set", overrides.sets,
                   "change one key of the config, KEY.PATH=VALUE (e.g. teacher.recipe.epochs=2, seeds=[1,2]); "
                   "repeatable, checked like the file's own keys (configs/README.md)")
        ->type_name("KEY=VALUE")
        ->allow_extra_args(false);
}

namespace {

void apply_config_flags(distill::RunConfig& config, const ConfigFlags& flags) {
    if (!flags.config_file.empty()) distill::apply_yaml_file(config, flags.config_file);
    for (const auto& [key, value] : flags.values) {
        try {
            distill::find_config_field(key)->parse(config, value);
        } catch (const Error& e) {
            fail("--{}: {}", key, e.what());
        }
    }
}

// A resumed run continues as it was trained: only --epochs may differ from the stored config (to extend it).
distill::RunConfig resume_config(const ConfigFlags& flags, const std::string& resume_path) {
    const distill::RunHeader header = distill::read_run_header(resume_path);  // the state is the trainer's to read
    distill::check_not_imported(header, resume_path);
    distill::RunConfig config = header.config;
    config.output = resume_path;
    distill::RunConfig asked = config;
    apply_config_flags(asked, flags);
    for (const auto& field : distill::config_fields()) {
        if (field.key == "epochs" || field.print(asked) == field.print(config)) continue;
        fail("--{}: {} was trained with {} '{}'; --resume continues a run as it was and cannot change it to '{}'",
             field.key, resume_path, field.key, field.print(config), field.print(asked));
    }
    config.epochs = asked.epochs;
    return config;
}

}  // namespace

distill::RunConfig resolve_config(const ConfigFlags& flags, const std::string& resume_path) {
    if (!resume_path.empty()) return resume_config(flags, resume_path);
    distill::RunConfig config;
    apply_config_flags(config, flags);
    return config;
}

void add_run_flags(CLI::App& cmd, RunFlags& flags, const std::string& resume_help) {
    cmd.add_option("--resume", flags.resume_path, resume_help);
    cmd.add_flag("--force", flags.force,
                 "replace an existing run at the output (an lskd run directory, and only lskd's files in it)");
    cmd.add_flag("--json", flags.json, "print one final JSON summary line on stdout");
    cmd.add_flag("--quiet", flags.quiet, "no progress output");
}

distill::TrainOptions train_options(const RunFlags& flags) {
    distill::TrainOptions options;
    options.force = flags.force;
    options.quiet = flags.quiet;
    options.resume = !flags.resume_path.empty();
    options.world = &process_world();
    return options;
}

void default_output_to(distill::RunConfig& config, const std::string& name, const RunFlags& flags) {
    if (!config.output.empty()) return;
    config.output = name;
    if (!flags.quiet && process_world().root()) fmt::print(stderr, "lskd: no --output given; writing {}\n", name);
}

std::string decode_scores_text(const std::map<std::string, double>& last) {
    if (last.contains("test_wer"))
        return fmt::format("  wer {:.4f} per {:.4f}", last.at("test_wer"), last.at("test_per"));
    if (last.contains("test_bleu"))
        return fmt::format("  bleu {:.2f} chrf {:.2f}", last.at("test_bleu"), last.at("test_chrf"));
    return "";
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
