#include "torchvision_reference.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

namespace lskd::data::testing {
namespace {

// Appends `arg` in single quotes, as a shell reads it back verbatim.
void append_quoted(std::string& command, const std::string& arg) {
    command.push_back('\'');
    for (char c : arg) {
        if (c == '\'')
            command.append("'\\''");
        else
            command.push_back(c);
    }
    command.push_back('\'');
}

std::string script_command(const std::vector<std::string>& args) {
    std::string command = "/usr/bin/python3 ";
    append_quoted(command, LSKD_SOURCE_DIR "/tests/data/torchvision_reference.py");
    for (const std::string& a : args) {
        command.push_back(' ');
        append_quoted(command, a);
    }
    return command;
}

}  // namespace

bool torchvision_available() {
    static const bool available = std::system(script_command({"check"}).append(" >/dev/null 2>&1").c_str()) == 0;
    return available;
}

void run_torchvision_reference(const std::vector<std::string>& args) {
    const std::string command = script_command(args);
    INFO(command);
    REQUIRE(std::system(command.c_str()) == 0);
}

double parse_hex_double(const std::string& text) {
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    REQUIRE(end == text.c_str() + text.size());
    return value;
}

}  // namespace lskd::data::testing
