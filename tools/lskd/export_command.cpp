// lskd export RUN --format torch|onnx --output FILE: the run's model for PyTorch (a state_dict of its twin in
// tools/python/lskd_torch) or as an ONNX graph. lskd checks the run's checkpoint, rebuilds its model, and checks and
// locks the output by the output policy (framework/io/output_policy.hpp) first, so a bad file fails here with lskd's
// message; tools/python/lskd_export.py, run by Debian's python3, writes a temporary file beside the output, which
// lskd moves into place once the exporter succeeded.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "distill/checkpoint.hpp"
#include "distill/sequence_teacher.hpp"
#include "framework/core/error.hpp"
#include "framework/io/atomic_file.hpp"
#include "framework/io/output_policy.hpp"
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

// The first and the last 64 KiB of a file: where the markers of an export are (a zip archive's first record and
// its central directory; an ONNX model's ir_version field and its metadata, which the exporter writes last).
struct FileEnds {
    std::string head, tail;
};

FileEnds file_ends(const std::string& path) {
    constexpr std::streamoff kEnd = 64 * 1024;
    std::ifstream in(path, std::ios::binary);
    FileEnds ends;
    ends.head.resize(kEnd);
    in.read(ends.head.data(), kEnd);
    ends.head.resize(static_cast<std::size_t>(in.gcount()));
    in.clear();
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    if (size <= kEnd) return ends;
    ends.tail.resize(kEnd);
    in.seekg(size - kEnd);
    in.read(ends.tail.data(), kEnd);
    return ends;
}

// How a previous export of each format is recognised, the only files --force replaces: a torch file is a zip
// archive (it starts "PK\3\4") holding a data.pkl record, as torch.save writes it; an ONNX file of lskd export is
// a protobuf ModelProto starting with its ir_version field (byte 0x08) and carrying lskd's "lskd_model" metadata.
std::optional<std::string> not_an_export(const std::string& path, const std::string& format) {
    const FileEnds ends = file_ends(path);
    const auto holds = [&](const std::string& marker) {
        return ends.head.find(marker) != std::string::npos || ends.tail.find(marker) != std::string::npos;
    };
    if (format == "torch" && ends.head.starts_with("PK\x03\x04") && holds("data.pkl")) return std::nullopt;
    if (format == "onnx" && ends.head.starts_with("\x08") && holds("lskd_model")) return std::nullopt;
    if (ends.head.starts_with("\x89HDF\r\n\x1a\n"))
        return std::string("it is an HDF5 file, such as a run's checkpoint");
    if (ends.head.empty()) return std::string("it is empty");
    return fmt::format("it does not hold what lskd export writes for {}", format);
}

// --allow-incomplete: a run that stopped before its last epoch is exported only when asked for, and said so.
void check_complete(const std::string& path, const distill::RunContents& run, bool allow_incomplete) {
    if (run.epochs_done >= run.config.epochs) return;
    if (!allow_incomplete)
        fail("{}: the run stopped after epoch {} of {}; --allow-incomplete exports it anyway", path, run.epochs_done,
             run.config.epochs);
    fmt::print(stderr, "{}: exporting an incomplete run: it stopped after epoch {} of {}\n", path, run.epochs_done,
               run.config.epochs);
}

struct ExportFlags {
    std::string path, format, output;
    bool force = false, allow_incomplete = false;
};

// Runs the exporter into `temp`; its messages (the summary on success), or an Error.
std::string run_exporter(const ExportFlags& f, const std::string& temp) {
    const std::string script = runtime::shipped_file("python/lskd_export.py").string();
    const auto log = std::filesystem::temp_directory_path() / fmt::format("lskd-export-{}.log", ::getpid());
    const int code = study::run_child(
        {"/usr/bin/python3", script, f.path, "--format", f.format, "--output", temp, "--shown-as", f.output},
        log.string());
    const std::string messages = read_and_remove(log);
    if (code == 0) return messages;
    // An error is one line, with whatever the exporter said before it (a library's warning) kept on it.
    std::string said = messages;
    std::replace(said.begin(), said.end(), '\n', ' ');
    if (code == 3) fail("{}: cannot export to {}: {}", f.path, f.format, said);
    fail("{}: the export to {} failed (exit {}): {}", f.path, f.output, code, said);
}

int export_run(const ExportFlags& f) {
    require_one_process("export");
    const distill::RunContents run = distill::load_run(f.path);
    // The stored parameters must fit the model they claim to be.
    if (run.sequence)
        distill::load_sequence_model(run);
    else
        distill::load_model(run);
    check_complete(f.path, run, f.allow_incomplete);
    io::OutputFile output;
    output.path = f.output;
    output.purpose = "export";
    output.inputs = {f.path, distill::RunDirectory(f.path).checkpoint()};
    output.force = f.force;
    output.replaces = fmt::format("a previous {} export", f.format);
    output.exists_advice = "use --force to replace a previous export of the same format";
    output.replaceable = [format = f.format](const std::string& path) { return not_an_export(path, format); };
    const io::FileLock lock = io::claim_output_file(output);
    const std::string temp = io::temporary_name(f.output);
    try {
        const std::string messages = run_exporter(f, temp);
        io::move_into_place(temp, f.output);
        fmt::print("{}\n", messages);
    } catch (...) {
        std::remove(temp.c_str());
        throw;
    }
    return 0;
}

}  // namespace

Runner add_export_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("export", "write a run's model as a PyTorch state_dict or an ONNX graph");
    auto s = std::make_shared<ExportFlags>();
    cmd->add_option("run", s->path, "run directory (written by lskd train or lskd distill)")->required();
    cmd->add_option("--format", s->format, "torch (a state_dict of lskd_torch's twin) or onnx")
        ->required()
        ->check(CLI::IsMember({"torch", "onnx"}));
    cmd->add_option("--output", s->output,
                    "file to write (a new path, or a previous export of the format with --force)")
        ->required();
    cmd->add_flag("--force", s->force, "replace a previous export of the same format at the output (nothing else)");
    cmd->add_flag("--allow-incomplete", s->allow_incomplete,
                  "export a run that stopped before its last epoch (said on stderr)");
    return [s] { return export_run(*s); };
}

}  // namespace lskd::cli
