// lskd export RUN.h5 --format torch|onnx --output FILE: the run's model for PyTorch (a state_dict of its twin in
// tools/python/lskd_torch) or as an ONNX graph. lskd checks the run file and rebuilds its model first, so a bad
// file fails here with lskd's message; tools/python/lskd_export.py, run by Debian's python3, writes the file.
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "distill/run_file.hpp"
#include "framework/core/error.hpp"
#include "framework/runtime/install_paths.hpp"
#include "study/child_process.hpp"
#include "tools/lskd/command.hpp"

namespace lskd::cli {
namespace {

// The child's output, without its final newline.
std::string read_and_remove(const std::filesystem::path& path) {
    std::stringstream text;
    text << std::ifstream(path).rdbuf();
    std::filesystem::remove(path);
    std::string s = text.str();
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    return s;
}

}  // namespace

Runner add_export_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("export", "write a run file's model as a PyTorch state_dict or an ONNX graph");
    struct State {
        std::string path, format, output;
    };
    auto s = std::make_shared<State>();
    cmd->add_option("run", s->path, "run file")->required();
    cmd->add_option("--format", s->format, "torch (a state_dict of lskd_torch's twin) or onnx")
        ->required()
        ->check(CLI::IsMember({"torch", "onnx"}));
    cmd->add_option("--output", s->output, "file to write")->required();
    return [s] {
        require_one_process("export");
        const distill::RunContents run = distill::load_run(s->path);
        distill::load_model(run);  // the stored parameters must fit the model they claim to be
        const std::filesystem::path out_dir = std::filesystem::absolute(s->output).parent_path();
        if (!std::filesystem::is_directory(out_dir))
            fail("{}: cannot write the export: directory {} does not exist", s->output, out_dir.string());
        const std::string script = runtime::shipped_file("python/lskd_export.py").string();
        const auto log = std::filesystem::temp_directory_path() / fmt::format("lskd-export-{}.log", ::getpid());
        const int code = study::run_child(
            {"/usr/bin/python3", script, s->path, "--format", s->format, "--output", s->output}, log.string());
        const std::string messages = read_and_remove(log);
        if (code == 3) fail("{}: cannot export to {}: {}", s->path, s->format, messages);
        if (code != 0) fail("{}: the export to {} failed (exit {}): {}", s->path, s->output, code, messages);
        fmt::print("{}\n", messages);
        return 0;
    };
}

}  // namespace lskd::cli
