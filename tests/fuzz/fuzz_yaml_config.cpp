// libFuzzer harness of the YAML config parsers: the input is parsed as a run config (then validated) and as a
// sweep config; every input must end in a config or lskd::Error, never a crash, a leak or undefined behaviour.
#include <cstdint>
#include <string>

#include "distill/run_config.hpp"
#include "framework/core/error.hpp"
#include "study/sweep_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        lskd::distill::RunConfig config;
        lskd::distill::apply_yaml_text(config, text, "fuzz.yaml");
        lskd::distill::validate(config);
        lskd::distill::apply_yaml_text(config, lskd::distill::to_yaml(config), "effective");
    } catch (const lskd::Error&) {
    }
    try {
        lskd::study::parse_sweep_config(text, "sweep.yaml");
    } catch (const lskd::Error&) {
    }
    return 0;
}
