#include "distill/checkpoint.hpp"

#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "framework/core/error.hpp"
#include "framework/io/atomic_file.hpp"
#include "framework/io/h5_file.hpp"

namespace lskd::distill {
namespace {

// The checkpoint is rewritten after every epoch, and trained floats barely deflate: its datasets are stored in one
// block each with a CRC-32, the cheapest checked storage to write (docs/run-file.md).
constexpr io::Storage kPlain = io::Storage::contiguous;

void write_state(io::H5File& f, const std::string& group, const nn::StateDict& state) {
    f.create_group(group);
    for (const auto& [name, tensor] : state) f.write(group + "/" + name, tensor, kPlain);
}

nn::StateDict read_state(const io::H5File& f, const std::string& group) {
    nn::StateDict state;
    if (!f.has(group)) return state;
    for (const auto& name : f.children(group)) state[name] = f.read_tensor(group + "/" + name);
    return state;
}

std::vector<double> as_doubles(const std::vector<float>& v) { return {v.begin(), v.end()}; }

// Vocabularies are stored as bytes: a SentencePiece model is a binary proto, which a string attribute would cut at
// its first zero byte.
void write_bytes(io::H5File& f, const std::string& path, const std::string& bytes) {
    f.write(path, std::vector<std::uint8_t>(bytes.begin(), bytes.end()), kPlain);
}

std::string read_bytes(const io::H5File& f, const std::string& path) {
    const std::vector<std::uint8_t> v = f.read<std::uint8_t>(path, 1).values;
    return {v.begin(), v.end()};
}

void write_sequence(io::H5File& f, const SequenceHeader& s) {
    f.create_group("/sequence");
    f.set_attr("/sequence", "corpus", s.corpus);
    f.set_attr("/sequence", "corpus_hash", s.corpus_hash);
    f.set_attr("/sequence", "source_vocab_kind", s.source_vocab_kind);
    f.set_attr("/sequence", "target_vocab_kind", s.target_vocab_kind);
    write_bytes(f, "/sequence/source_vocab", s.source_vocab);
    write_bytes(f, "/sequence/target_vocab", s.target_vocab);
}

SequenceHeader read_sequence(const io::H5File& f) {
    SequenceHeader s;
    s.corpus = f.attr_string("/sequence", "corpus");
    s.corpus_hash = f.attr_string("/sequence", "corpus_hash");
    s.source_vocab_kind = f.attr_string("/sequence", "source_vocab_kind");
    s.target_vocab_kind = f.attr_string("/sequence", "target_vocab_kind");
    s.source_vocab = read_bytes(f, "/sequence/source_vocab");
    s.target_vocab = read_bytes(f, "/sequence/target_vocab");
    return s;
}

void write_folder_summary(io::H5File& f, const data::FolderSummary& s) {
    f.set_attr("/data", "folder_hidden_folders", static_cast<std::int64_t>(s.scan.hidden_folders));
    f.set_attr("/data", "folder_hidden_files", static_cast<std::int64_t>(s.scan.hidden_files));
    f.set_attr("/data", "folder_other_files", static_cast<std::int64_t>(s.scan.other_files));
    f.set_attr("/data", "folder_bad_images", static_cast<std::int64_t>(s.bad_images));
    f.set_attr("/data", "folder_splits", s.splits);
    f.set_attr("/data", "folder_streamed", static_cast<std::int64_t>(s.streamed));
}

data::FolderSummary read_folder_summary(const io::H5File& f) {
    data::FolderSummary s;
    s.scan.hidden_folders = static_cast<std::size_t>(f.attr_int64("/data", "folder_hidden_folders"));
    s.scan.hidden_files = static_cast<std::size_t>(f.attr_int64("/data", "folder_hidden_files"));
    s.scan.other_files = static_cast<std::size_t>(f.attr_int64("/data", "folder_other_files"));
    s.bad_images = static_cast<std::size_t>(f.attr_int64("/data", "folder_bad_images"));
    s.splits = f.attr_string("/data", "folder_splits");
    // Run files written before image-stream existed held every folder in memory.
    s.streamed = f.has_attr("/data", "folder_streamed") && f.attr_int64("/data", "folder_streamed") != 0;
    return s;
}

void write_contents(io::H5File& f, const RunContents& c, const Templates& templates) {
    f.set_attr("/", "format", kRunFormat);
    f.set_attr("/", "lskd_version", LSKD_VERSION);
    f.set_attr("/", "model", c.config.model);
    f.set_attr("/", "dataset", c.config.dataset);
    f.set_attr("/", "smoothing", c.config.smoothing);
    f.set_attr("/", "seed", static_cast<std::int64_t>(c.config.seed));
    f.set_attr("/", "num_classes", c.num_classes);
    f.set_attr("/", "class_names", c.class_names);
    f.set_attr("/", "config", to_yaml(c.config));
    f.set_attr("/", "epochs", c.config.epochs);
    f.set_attr("/", "epochs_done", c.epochs_done);
    f.set_attr("/", "complete", static_cast<std::int64_t>(c.complete));
    f.set_attr("/", "world_size", c.world_size);
    f.set_attr("/", "input_shape_hwc", fmt::format("{},{},{}", c.input.height, c.input.width, c.input.channels));
    f.set_attr("/", "role", std::string(c.teacher ? "student" : !c.imported_from.empty() ? "imported" : "trained"));
    if (!c.imported_from.empty()) f.set_attr("/", "imported_from", c.imported_from);
    f.set_attr("/", "setup_seconds", c.setup_seconds);
    f.set_attr("/", "write_seconds", c.write_seconds);
    f.write("/data/normalization_mean", as_doubles(c.normalization.mean), kPlain);
    f.write("/data/normalization_std", as_doubles(c.normalization.std), kPlain);

    if (c.folder) write_folder_summary(f, *c.folder);

    write_state(f, "/params", c.params);
    write_state(f, "/optimizer", c.optimizer);
    f.write("/classifier/weight", *templates.weight, kPlain);
    f.write("/classifier/bias", *templates.bias, kPlain);
    if (c.sequence) write_sequence(f, *c.sequence);
    f.create_group("/metrics");
    for (const auto& [name, values] : c.metrics) f.write("/metrics/" + name, values, kPlain);
    if (!c.early_metrics.empty()) {
        f.create_group("/early_metrics");
        for (const auto& [name, values] : c.early_metrics) f.write("/early_metrics/" + name, values, kPlain);
    }
    f.create_group("/counters");
    for (const auto& [name, value] : c.counters) f.set_attr("/counters", name, static_cast<std::int64_t>(value));

    if (c.teacher) {
        const TeacherInfo& t = *c.teacher;
        f.create_group("/distill");
        f.set_attr("/distill", "teacher_file", t.file);
        f.set_attr("/distill", "teacher_hash", t.hash);
        f.set_attr("/distill", "teacher_alpha", t.alpha);
        f.set_attr("/distill", "teacher_test_acc", t.test_acc);
        f.set_attr("/distill", "gamma", t.gamma);
        f.set_attr("/distill", "temperature", c.config.temperature);
        f.set_attr("/distill", "beta", c.config.beta);
        f.set_attr("/distill", "loss", c.config.loss);
        const bool hinton = c.config.loss == "hinton";
        f.set_attr("/distill", "student_logits_divided_by_T", static_cast<std::int64_t>(hinton));
        f.set_attr("/distill", "t_squared_applied", static_cast<std::int64_t>(hinton));
    }
}

models::InputShape parse_shape(const std::string& path, const std::string& text) {
    models::InputShape s;
    if (std::sscanf(text.c_str(), "%ld,%ld,%ld", &s.height, &s.width, &s.channels) != 3)
        fail("{}: attribute input_shape_hwc '{}' is not H,W,C", path, text);
    return s;
}

}  // namespace

Templates head_templates(const models::Classifier& classifier) {
    return {&classifier.head().weight().value(), &classifier.head().bias().value()};
}

void write_checkpoint(const RunDirectory& run, const RunContents& contents, const Templates& templates,
                      io::BackgroundCommits* commits) {
    const auto fill = [&](io::H5File& f) { write_contents(f, contents, templates); };
    if (commits != nullptr)  // the trainer's, after every epoch; a complete run keeps no spare
        io::recycled_write(run.checkpoint(), run.checkpoint_spare(), fill, *commits, contents.complete);
    else
        io::atomic_write(run.checkpoint(), fill);
}

namespace {

void read_header(const io::H5File& f, const std::string& path, RunHeader& c) {
    if (!f.has_attr("/", "format") || f.attr_string("/", "format") != kRunFormat)
        fail("{}: not an lskd checkpoint (no '{}' format attribute)", path, kRunFormat);
    apply_yaml_text(c.config, f.attr_string("/", "config"), path + " (config attribute)");
    c.num_classes = f.attr_int64("/", "num_classes");
    c.class_names = f.attr_strings("/", "class_names");
    c.input = parse_shape(path, f.attr_string("/", "input_shape_hwc"));
    c.epochs_done = f.attr_int64("/", "epochs_done");
    c.complete = f.attr_int64("/", "complete") != 0;
    c.world_size = f.attr_int64("/", "world_size");
    c.setup_seconds = f.attr_double("/", "setup_seconds");
    c.write_seconds = f.attr_double("/", "write_seconds");
    for (double v : f.read<double>("/data/normalization_mean").values)
        c.normalization.mean.push_back(static_cast<float>(v));
    for (double v : f.read<double>("/data/normalization_std").values)
        c.normalization.std.push_back(static_cast<float>(v));
    if (f.has("/metrics"))
        for (const auto& name : f.children("/metrics")) c.metrics[name] = f.read<double>("/metrics/" + name, 1).values;
    if (f.has("/early_metrics"))
        for (const auto& name : f.children("/early_metrics"))
            c.early_metrics[name] = f.read<double>("/early_metrics/" + name, 1).values;
    if (f.has("/distill")) {
        TeacherInfo t;
        t.file = f.attr_string("/distill", "teacher_file");
        t.hash = f.attr_string("/distill", "teacher_hash");
        t.alpha = f.attr_double("/distill", "teacher_alpha");
        t.test_acc = f.attr_double("/distill", "teacher_test_acc");
        t.gamma = f.attr_double("/distill", "gamma");
        c.teacher = t;
    }
    if (f.has("/sequence")) c.sequence = read_sequence(f);
    if (f.has_attr("/data", "folder_bad_images")) c.folder = read_folder_summary(f);
    if (f.has_attr("/", "imported_from")) c.imported_from = f.attr_string("/", "imported_from");
}

}  // namespace

RunHeader read_run_header(const std::string& path) {
    check_run_directory(path);
    const std::string file = RunDirectory(path).checkpoint();
    RunHeader h;
    read_header(io::H5File::open_read(file), file, h);
    return h;
}

RunContents load_run(const std::string& path) {
    check_run_directory(path);
    const std::string file = RunDirectory(path).checkpoint();
    const io::H5File f = io::H5File::open_read(file);
    RunContents c;
    read_header(f, file, c);
    c.params = read_state(f, "/params");
    if (c.params.empty()) fail("{}: no parameters under /params", file);
    c.optimizer = read_state(f, "/optimizer");
    if (f.has("/counters"))
        for (const auto& name : f.attr_names("/counters"))
            c.counters[name] = static_cast<std::uint64_t>(f.attr_int64("/counters", name));
    return c;
}

std::shared_ptr<models::Classifier> load_model(const RunContents& run) {
    models::ModelOptions options{run.config.hidden, run.config.dropout};
    auto model = models::make_model(run.config.model, run.input, run.num_classes, run.config.seed, options);
    model->load_state(run.params);
    model->load_counters(run.counters);
    return model;
}

std::string parameter_hash(const nn::StateDict& params) {
    std::uint64_t h = 1469598103934665603ULL;
    auto mix = [&h](const void* data, std::size_t bytes) {
        const auto* p = static_cast<const unsigned char*>(data);
        for (std::size_t i = 0; i < bytes; ++i) {
            h ^= p[i];
            h *= 1099511628211ULL;
        }
    };
    for (const auto& [name, tensor] : params) {
        mix(name.data(), name.size());
        mix(tensor.data(), static_cast<std::size_t>(tensor.numel()) * sizeof(float));
    }
    return fmt::format("{:016x}", h);
}

}  // namespace lskd::distill
