#include "torchvision_reference.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>

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

RecordedDraw parse_draw(const std::string& line) {
    std::istringstream row(line);
    std::string kind, lo, hi, value;
    row >> kind >> lo >> hi >> value;
    REQUIRE((kind == "u" || kind == "r"));
    return {kind[0], parse_hex_double(lo), parse_hex_double(hi), parse_hex_double(value)};
}

std::int64_t ReplayDraws::randint(std::int64_t lo, std::int64_t hi) {
    return static_cast<std::int64_t>(next('r', static_cast<double>(lo), static_cast<double>(hi)));
}

double ReplayDraws::next(char kind, double lo, double hi) {
    REQUIRE(used_ < draws_.size());
    const RecordedDraw& d = draws_[used_++];
    CHECK(d.kind == kind);
    // torch takes the log-ratio bounds with its SIMD log, which can differ from libm's in the last float bit; the
    // bounds only set the range lskd's own draws come from.
    CHECK(d.lo == Approx(lo).epsilon(1e-6));
    CHECK(d.hi == Approx(hi).epsilon(1e-6));
    return d.value;
}

}  // namespace lskd::data::testing
