// lskd import --format torch MODEL.pth --model NAME --output RUN: a PyTorch state_dict as a run directory that
// eval, export and the analyses take (distill/imported_run.hpp). lskd checks and locks the output by the output policy
// first; tools/python/lskd_import.py, run by Debian's python3, converts the tensors into a temporary HDF5 file of
// named arrays; lskd checks their names and shapes against the table's model and writes the checkpoint with its own
// writer. Nothing is written into RUN before every check has passed, and a failure leaves no directory it made.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "distill/imported_run.hpp"
#include "framework/core/error.hpp"
#include "framework/data/class_names.hpp"
#include "framework/data/image_transforms.hpp"
#include "framework/io/h5_file.hpp"
#include "framework/io/output_policy.hpp"
#include "framework/runtime/install_paths.hpp"
#include "study/child_process.hpp"
#include "tools/lskd/command.hpp"

namespace lskd::cli {
namespace {

namespace fs = std::filesystem;

struct ImportFlags {
    std::string path, format, model, output, class_names, input = "224x224x3", dataset = "folder", data_dir;
    std::int64_t classes = 0, resize = 0, val_size = 10000;
    bool force = false;
};

// The converter's messages as one line, without its final newline.
std::string one_line(const fs::path& path) {
    std::stringstream text;
    text << std::ifstream(path).rdbuf();
    std::string s = text.str();
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    std::replace(s.begin(), s.end(), '\n', ' ');
    return s;
}

// The state_dict's tensors by key, through lskd_import.py and a temporary HDF5 file it writes.
nn::StateDict convert(const ImportFlags& f) {
    const std::string script = runtime::shipped_file("python/lskd_import.py").string();
    const fs::path temp = fs::temp_directory_path() / fmt::format("lskd-import-{}.h5", ::getpid());
    const fs::path log = fs::temp_directory_path() / fmt::format("lskd-import-{}.log", ::getpid());
    const int code = study::run_child({"/usr/bin/python3", script, f.path, "--output", temp.string()}, log.string());
    const std::string said = one_line(log);
    std::error_code ec;
    fs::remove(log, ec);
    if (code != 0) {
        fs::remove(temp, ec);
        if (code == 3) fail("{}: cannot import from {}: {}", f.path, f.format, said);
        fail("{}: the import failed (exit {}): {}", f.path, code, said);
    }
    nn::StateDict state;
    try {
        const io::H5File converted = io::H5File::open_read(temp.string());
        for (const std::string& key : converted.children("/")) state[key] = converted.read_tensor("/" + key);
    } catch (...) {
        fs::remove(temp, ec);
        throw;
    }
    fs::remove(temp, ec);
    return state;
}

models::InputShape parse_input(const std::string& text) {
    models::InputShape s;
    char end = 0;
    if (std::sscanf(text.c_str(), "%ldx%ldx%ld%c", &s.height, &s.width, &s.channels, &end) != 3)
        fail("--input: '{}' is not HxWxC", text);
    if (s.channels != 3) fail("--input: {} has {} channels; ImageNet's normalisation needs 3", text, s.channels);
    return s;
}

// K from --classes, --class-names or the rows of the state's last layer (fc for torchvision, classifier for lskd).
std::int64_t class_count(const ImportFlags& f, const nn::StateDict& state) {
    if (f.classes > 0) return f.classes;
    for (const char* head : {"fc.weight", "classifier.weight"})
        if (const auto it = state.find(head); it != state.end() && it->second.rank() == 2) return it->second.dim(0);
    fail("{}: no fc.weight or classifier.weight to count the classes by; give --classes", f.path);
}

distill::ImportedModel describe(const ImportFlags& f, const nn::StateDict& state) {
    distill::ImportedModel m;
    m.source = f.path;
    m.model = f.model;
    m.input = parse_input(f.input);
    const std::int64_t k = class_count(f, state);
    if (k < 2) fail("{}: needs at least 2 classes, got {}", f.path, k);
    m.class_names = f.class_names.empty() ? data::numbered_class_names(static_cast<int>(k))
                                          : data::read_class_names(f.class_names, static_cast<int>(k));
    m.normalization = data::imagenet_normalization();
    m.dataset = f.dataset;
    m.data_dir = f.data_dir;
    m.val_size = f.val_size;
    if (f.dataset == "folder") {
        if (m.input.height != m.input.width)
            fail("--input {}: an image folder's images are square (CenterCrop), not {}x{}", f.input, m.input.height,
                 m.input.width);
        // torchvision's eval preset: Resize(256) + CenterCrop(224), the same ratio at other sizes.
        m.image_resize = f.resize != 0 ? f.resize : (m.input.height * 256 + 112) / 224;
        if (m.image_resize < m.input.height)
            fail("--resize {} is smaller than the crop {}", m.image_resize, m.input.height);
    } else if (f.resize != 0) {
        fail("--resize applies to --dataset folder only, not {}", f.dataset);
    }
    return m;
}

io::FileLock claim_output(const ImportFlags& f) {
    io::OutputFile output;
    output.path = f.output;
    output.purpose = "import";
    output.inputs = {f.path, f.class_names};
    output.force = f.force;
    return distill::claim_run_directory(output);
}

// Every check (the conversion, the names and shapes) runs before RUN is touched; a failure removes the directory
// when it did not exist before.
int import_model(const ImportFlags& f) {
    require_one_process("import");
    if (!fs::is_regular_file(f.path)) fail("{}: no such file", f.path);
    const bool existed = fs::exists(f.output);
    const io::FileLock lock = claim_output(f);
    distill::ImportedModel m;
    try {
        const nn::StateDict state = convert(f);
        m = describe(f, state);
        const auto model = distill::build_imported_model(m, state);
        const distill::RunDirectory run(f.output);
        if (existed) distill::remove_run_files(run);  // --force's, and only lskd's files
        io::make_output_directory(run.dir());
        distill::write_imported_run(run, m, *model);
    } catch (...) {
        std::error_code ec;
        if (!existed) fs::remove_all(f.output, ec);
        throw;
    }
    fmt::print("{}: {} ({} classes, {} inputs normalised with ImageNet's mean and std) imported from {}\n", f.output,
               f.model, m.class_names.size(), m.input.str(), f.path);
    return 0;
}

}  // namespace

Runner add_import_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("import", "turn a PyTorch state_dict into a run directory (eval, export, analyze)");
    auto s = std::make_shared<ImportFlags>();
    cmd->add_option("file", s->path, "the state_dict (torch.save of model.state_dict())")->required();
    cmd->add_option("--format", s->format, "torch")->required()->check(CLI::IsMember({"torch"}));
    cmd->add_option("--model", s->model, "the lskd model it is a state_dict of (resnet-18, resnet-50, ...)")
        ->required()
        ->check(CLI::IsMember(models::model_names()));
    cmd->add_option("--output", s->output, "run directory to write (new, or a run replaced with --force)")->required();
    cmd->add_option("--classes", s->classes, "number of classes (default: the rows of fc.weight)")
        ->check(CLI::Range(std::int64_t{2}, std::int64_t{1} << 30));
    cmd->add_option("--class-names", s->class_names, "file of class names, one a line (default: 0, 1, ...)");
    cmd->add_option("--input", s->input, "input HxWxC the model is evaluated on");
    cmd->add_option("--dataset", s->dataset, "the data set `lskd eval` scores it on");
    cmd->add_option("--data-dir", s->data_dir, "that data set's directory");
    cmd->add_option("--resize", s->resize, "folder: short side before the centre crop (default: 256 for 224 inputs)")
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{4096}));
    cmd->add_option("--val-size", s->val_size, "validation images carved from the data's training split")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 40));
    cmd->add_flag("--force", s->force, "replace an existing run directory (only lskd's files in it)");
    return [s] { return import_model(*s); };
}

}  // namespace lskd::cli
