// A recorded setting is an honoured setting: every field of the config table, set on a small run, either changes
// what the run does (its metrics, parameters, records, files, data or threads) or is refused before the first step
// with its key named. The table below says, for every key, how its effect is observed; a new field without an
// entry fails the walk.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "distill/teacher.hpp"
#include "framework/core/error.hpp"
#include "framework/io/h5_file.hpp"
#include "framework/ops/precision.hpp"
#include "framework/runtime/threads.hpp"
#include "tests/distill/teacher_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;
using distill::RunConfig;

namespace {

// How a field's effect shows.
enum class Seen {
    training,  // the trained run differs: metrics (timings aside), early metrics, parameters or records
    data,      // the data the run loads differ (sizes, or the loader's error naming the value)
    file,      // the run file is written where the field says
    threads,   // the thread budget the run set
};

// Kinds of run: a run without a teacher (lskd train, a sweep's teachers and baselines) and a student.
enum class Kind { train, distill };

struct Probe {
    Probe(std::function<void(RunConfig&)> with_, std::function<void(RunConfig&)> set_, Seen seen_ = Seen::training,
          std::set<Kind> refused_ = {})
        : with(std::move(with_)), set(std::move(set_)), seen(seen_), refused(std::move(refused_)) {}
    std::function<void(RunConfig&)> with;  // companion settings, on the reference run too
    std::function<void(RunConfig&)> set;   // the field's own change
    Seen seen;
    std::set<Kind> refused;  // the kinds of run on which the field has no effect and is refused
};

void nothing(RunConfig&) {}
void with_mi(RunConfig& c) {
    c.mi_every = 1;
    c.mi_examples = 60;
}
void with_two_epochs(RunConfig& c) { c.epochs = 2; }
void with_adamw(RunConfig& c) { c.optimizer = "adamw"; }
void with_inverse_sqrt(RunConfig& c) {
    c.schedule = "inverse-sqrt";
    c.warmup = 1;
}
void with_multi_step(RunConfig& c) {
    c.epochs = 2;
    c.schedule = "multi_step";
    c.milestones = {1};
}

const std::set<Kind> kBoth = {Kind::train, Kind::distill};

const std::map<std::string, Probe>& probes() {
    static const std::map<std::string, Probe> table = {
        {"model", {nothing, [](RunConfig& c) { c.model = "lenet", c.hidden.clear(); }}},
        {"hidden", {nothing, [](RunConfig& c) { c.hidden = {12}; }}},
        {"dataset", {nothing, [](RunConfig& c) { c.dataset = "mnist"; }, Seen::data}},
        {"data-dir", {nothing, [](RunConfig& c) { c.data_dir = "/nonexistent/lskd-data"; }, Seen::data}},
        {"val-size", {nothing, [](RunConfig& c) { c.val_size = 150; }, Seen::data}},
        {"max-train", {nothing, [](RunConfig& c) { c.max_train = 500; }, Seen::data}},
        {"max-test", {nothing, [](RunConfig& c) { c.max_test = 200; }, Seen::data}},
        {"data-seed", {nothing, [](RunConfig& c) { c.data_seed = 7; }, Seen::data}},
        // A student of Müller's loss with β = 1 has no hard-label term for smoothing to change.
        {"smoothing", {nothing, [](RunConfig& c) { c.smoothing = 0.2; }, Seen::training, {Kind::distill}}},
        {"epochs", {nothing, [](RunConfig& c) { c.epochs = 2; }}},
        {"batch", {nothing, [](RunConfig& c) { c.batch = 32; }}},
        {"lr", {nothing, [](RunConfig& c) { c.lr = 0.2; }}},
        {"optimizer", {nothing, [](RunConfig& c) { c.optimizer = "adamw"; }}},
        {"momentum", {nothing, [](RunConfig& c) { c.momentum = 0.5; }}},
        {"nesterov", {nothing, [](RunConfig& c) { c.nesterov = true; }}},
        {"adam-betas",
         {with_adamw,
          [](RunConfig& c) {
              c.adam_betas = {0.8, 0.99};
          }}},
        {"adam-eps", {with_adamw, [](RunConfig& c) { c.adam_eps = 0.1; }}},
        {"weight-decay", {nothing, [](RunConfig& c) { c.weight_decay = 0.05; }}},
        {"decay-biases", {[](RunConfig& c) { c.weight_decay = 0.05; }, [](RunConfig& c) { c.decay_biases = false; }}},
        {"schedule", {nothing, [](RunConfig& c) { c.schedule = "cosine"; }}},
        {"milestones",
         {[](RunConfig& c) { with_two_epochs(c), c.schedule = "multi_step"; },
          [](RunConfig& c) { c.milestones = {1}; }}},
        {"lr-gamma", {with_multi_step, [](RunConfig& c) { c.lr_gamma = 0.5; }}},
        {"warmup", {with_inverse_sqrt, [](RunConfig& c) { c.warmup = 3; }}},
        {"clip-norm", {nothing, [](RunConfig& c) { c.clip_norm = 0.01; }}},
        {"dropout", {nothing, [](RunConfig& c) { c.dropout = 0.5; }}},
        {"augment", {nothing, [](RunConfig& c) { c.augment = true; }}},
        {"shift", {[](RunConfig& c) { c.augment = true; }, [](RunConfig& c) { c.shift = 1; }}},
        {"hflip", {[](RunConfig& c) { c.augment = true; }, [](RunConfig& c) { c.hflip = 1; }}},
        {"seed", {nothing, [](RunConfig& c) { c.seed = 7; }}},
        {"threads", {nothing, [](RunConfig& c) { c.threads = distill::max_threads(); }, Seen::threads}},
        // bf16 rounds every product's operands, so the parameters differ; refused on CPUs without bf16 arithmetic.
        {"precision",
         {nothing, [](RunConfig& c) { c.precision = "bf16"; }, Seen::training,
          ops::cpu_has_bf16() ? std::set<Kind>{} : std::set<Kind>{Kind::train, Kind::distill}}},
        {"output", {nothing, [](RunConfig& c) { c.output += "_elsewhere"; }, Seen::file}},
        {"eval-every", {with_two_epochs, [](RunConfig& c) { c.eval_every = 2; }}},
        {"record-every", {with_two_epochs, [](RunConfig& c) { c.record_every = 1; }}},
        {"record-per-class", {nothing, [](RunConfig& c) { c.record_per_class = 3; }}},
        {"mi-every", {nothing, with_mi}},
        {"mi-early", {with_mi, [](RunConfig& c) { c.mi_early = 2; }}},
        {"mi-classes", {with_mi, [](RunConfig& c) { c.mi_classes = "T-shirt/top,Shirt"; }}},
        {"mi-examples", {with_mi, [](RunConfig& c) { c.mi_examples = 40; }}},
        {"mi-views", {with_mi, [](RunConfig& c) { c.mi_views = 3; }}},
        {"mi-augment", {with_mi, [](RunConfig& c) { c.mi_augment = "shift"; }}},
        // lskd train with a teacher configured but none loaded is refused by the trainer; lskd distill's is another.
        {"teacher", {nothing, [](RunConfig& c) { c.teacher = small_teacher(0.1); }, Seen::training, {Kind::train}}},
        {"temperature", {nothing, [](RunConfig& c) { c.temperature = 3; }, Seen::training, {Kind::train}}},
        {"beta", {nothing, [](RunConfig& c) { c.beta = 0.5; }, Seen::training, {Kind::train}}},
        {"loss", {nothing, [](RunConfig& c) { c.loss = "hinton"; }, Seen::training, {Kind::train}}},
        // The sequence settings (test-size also of one-tree image folders), on this IDX data set: refused on both
        // kinds of run (tests/distill/test_sequence_run.cpp trains sequence runs with them).
        {"test-size", {nothing, [](RunConfig& c) { c.test_size = 100; }, Seen::training, kBoth}},
        // The image-folder settings, on this IDX data set: refused on both kinds of run (tests/data/
        // test_image_folder_dataset.cpp and tests/study/test_folder_study.cpp load folders with them).
        {"image-size", {nothing, [](RunConfig& c) { c.image_size = 16; }, Seen::training, kBoth}},
        {"image-resize", {nothing, [](RunConfig& c) { c.image_resize = 40; }, Seen::training, kBoth}},
        {"image-cache", {nothing, [](RunConfig& c) { c.image_cache = "images"; }, Seen::training, kBoth}},
        {"skip-bad-images", {nothing, [](RunConfig& c) { c.skip_bad_images = true; }, Seen::training, kBoth}},
        // tests/distill/test_image_stream.cpp trains streamed folders.
        {"image-stream", {nothing, [](RunConfig& c) { c.image_stream = true; }, Seen::training, kBoth}},
        {"source-vocab", {nothing, [](RunConfig& c) { c.source_vocab = "char"; }, Seen::training, kBoth}},
        {"target-vocab", {nothing, [](RunConfig& c) { c.target_vocab = "symbol"; }, Seen::training, kBoth}},
        {"subwords", {nothing, [](RunConfig& c) { c.subwords = 800; }, Seen::training, kBoth}},
        {"beam", {nothing, [](RunConfig& c) { c.beam = 2; }, Seen::training, kBoth}},
        {"length-norm", {nothing, [](RunConfig& c) { c.length_norm = "gnmt"; }, Seen::training, kBoth}},
        {"length-alpha", {nothing, [](RunConfig& c) { c.length_alpha = 0.6; }, Seen::training, kBoth}},
        {"kd-level", {nothing, [](RunConfig& c) { c.kd_level = "sequence"; }, Seen::training, kBoth}},
    };
    return table;
}

RunConfig base_config(Kind kind, const std::string& output) {
    RunConfig c = kind == Kind::train ? small_run_config(output) : small_student_config(output, small_teacher(0.0));
    c.hidden = {8};
    c.epochs = 1;
    return c;
}

// Runs `c` as its kind does; the Error's text when it is refused.
std::optional<std::string> run(const RunConfig& c, Kind kind) {
    try {
        if (kind == Kind::train) {
            distill::train(c, small_dataset(), quiet());
        } else {
            distill::TeacherOptions t;
            static const std::string cache_dir = temp_path("honoured_cache");
            t.cache_dir = cache_dir;
            distill::distill_student(c, small_dataset(), quiet(), t);
        }
    } catch (const Error& e) {
        return std::string(e.what());
    }
    return std::nullopt;
}

// What a finished run did, timings aside.
std::string fingerprint(const std::string& path) {
    const distill::RunContents r = distill::load_run(path);
    std::string out;
    for (const auto& [name, values] : r.metrics)
        if (name.find("seconds") == std::string::npos) out += fmt::format("{}={}\n", name, values);
    for (const auto& [name, values] : r.early_metrics) out += fmt::format("early {}={}\n", name, values);
    for (const auto& [name, tensor] : r.params) {
        const auto v = tensor.values();
        out += fmt::format(
            "{} {} {}\n", name, v.size(),
            std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(v.data()), v.size_bytes())));
    }
    const distill::RunDirectory run(path);
    for (const char* split : {"train", "val", "test"})
        for (const std::int64_t epoch : run.recorded_epochs(split))
            out += fmt::format("records {} {} {}\n", split, epoch,
                               io::H5File::open_read(run.record(split, epoch)).shape("/labels"));
    return out;
}

std::string data_signature(const RunConfig& c) {
    try {
        const data::Dataset d = distill::load_run_dataset(c);
        // Which examples, not only how many: a data seed draws other ones of the same sizes.
        const std::size_t shown = std::min<std::size_t>(d.train.original_index.size(), 8);
        return fmt::format("{} {} {} {} {}", d.name, d.train.size(), d.val.size(), d.test.size(),
                           fmt::join(d.train.original_index.begin(), d.train.original_index.begin() + shown, ","));
    } catch (const Error& e) {
        return e.what();
    }
}

std::string kind_name(Kind kind) { return kind == Kind::train ? "train" : "distill"; }

// Walks the whole table for one kind of run.
void walk(Kind kind) {
    std::map<std::string, std::string> references;  // reference fingerprints by companion settings
    int counter = 0;
    for (const distill::ConfigField& field : distill::config_fields()) {
        INFO(kind_name(kind) << " run, field " << field.key);
        REQUIRE(probes().count(field.key) == 1);  // a new field needs its observation here
        const Probe& probe = probes().at(field.key);
        const std::string stem = fmt::format("honoured_{}_{}", kind_name(kind), counter++);
        RunConfig reference = base_config(kind, temp_path(stem + "_ref"));
        probe.with(reference);
        RunConfig changed = reference;
        changed.output = temp_path(stem);
        probe.set(changed);
        REQUIRE(field.print(changed) != field.print(reference));  // the probe sets the field
        REQUIRE(field.print(changed) != field.print(RunConfig{}));

        if (probe.refused.contains(kind)) {
            const std::optional<std::string> error = run(changed, kind);
            REQUIRE(error);
            CHECK_THAT(*error, Catch::Contains(field.key));
            CHECK_FALSE(std::filesystem::exists(changed.output));  // refused before the first step
            continue;
        }
        switch (probe.seen) {
            case Seen::data: CHECK(data_signature(changed) != data_signature(reference)); break;
            case Seen::file: {
                REQUIRE_FALSE(run(changed, kind));
                CHECK(std::filesystem::exists(changed.output));
                break;
            }
            case Seen::threads: {
                REQUIRE_FALSE(run(changed, kind));
                CHECK(runtime::thread_info().threads == changed.threads);
                break;
            }
            case Seen::training: {
                RunConfig key = reference;
                key.output.clear();
                const std::string yaml = distill::to_yaml(key);
                if (!references.contains(yaml)) {
                    const auto error = run(reference, kind);
                    REQUIRE_FALSE(error);
                    references[yaml] = fingerprint(reference.output);
                }
                const auto error = run(changed, kind);
                REQUIRE_FALSE(error);
                CHECK(fingerprint(changed.output) != references.at(yaml));
                CHECK(field.print(distill::load_run(changed.output).config) == field.print(changed));
                break;
            }
        }
    }
}

}  // namespace

TEST_CASE("every config field of a run without a teacher is honoured or refused before the first step",
          "[distill][honoured][slow]") {
    walk(Kind::train);
}

TEST_CASE("every config field of a student is honoured or refused before the first step", "[distill][honoured][slow]") {
    walk(Kind::distill);
}

TEST_CASE("the observation table covers exactly the config table's keys", "[distill][honoured]") {
    std::set<std::string> keys;
    for (const distill::ConfigField& field : distill::config_fields()) {
        CHECK(probes().count(field.key) == 1);
        CHECK(field.inert);  // every field decides whether it can be inert
        keys.insert(field.key);
    }
    for (const auto& [key, probe] : probes()) CHECK(keys.contains(key));
}

TEST_CASE("a field set where it has no effect is refused with its key and the reason", "[distill][honoured]") {
    const auto refusal = [](const std::function<void(RunConfig&)>& change, bool teacher = false) {
        RunConfig c = small_run_config("x");
        change(c);
        try {
            distill::validate(c, teacher);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(refusal([](RunConfig& c) { c.temperature = 4; }) ==
          "temperature is set to 4, but it has no effect on this run: only a student's loss uses it, and this run "
          "has no teacher");
    CHECK_THAT(refusal([](RunConfig& c) { c.beta = 0.5; }), Catch::Contains("beta is set to 0.5"));
    CHECK_THAT(refusal([](RunConfig& c) { c.loss = "hinton"; }), Catch::Contains("loss is set to hinton"));
    CHECK_THAT(refusal([](RunConfig& c) { c.model = "lenet"; }), Catch::Contains("hidden is set to 32"));
    CHECK_THAT(refusal([](RunConfig& c) { c.model = "lenet", c.hidden = {}, c.dropout = 0.3; }),
               Catch::Contains("dropout is set to 0.3") && Catch::Contains("no dropout"));
    CHECK_THAT(refusal([](RunConfig& c) { c.milestones = {2}; }), Catch::Contains("only schedule multi_step"));
    CHECK_THAT(refusal([](RunConfig& c) { c.lr_gamma = 0.5; }), Catch::Contains("lr-gamma is set to 0.5"));
    CHECK_THAT(refusal([](RunConfig& c) { c.shift = 1; }), Catch::Contains("augment is false"));
    CHECK_THAT(refusal([](RunConfig& c) { c.hflip = 0; }), Catch::Contains("hflip is set to 0"));
    for (const char* key : {"mi-early", "mi-examples", "mi-views"}) {
        CHECK_THAT(refusal([&](RunConfig& c) { distill::find_config_field(key)->parse(c, "4"); }),
                   Catch::Contains(fmt::format("{} is set to 4", key)) && Catch::Contains("mi-every is 0"));
        CHECK(refusal([&](RunConfig& c) { distill::find_config_field(key)->parse(c, "4"), c.mi_every = 1; }).empty());
    }
    // lskd analyze mi reads these from the run file, whatever mi-every.
    CHECK(refusal([](RunConfig& c) { c.mi_classes = "Shirt,Bag", c.mi_augment = "shift"; }).empty());
    CHECK_THAT(refusal([](RunConfig& c) { c.nesterov = true, c.momentum = 0; }), Catch::Contains("momentum > 0"));
    CHECK_THAT(refusal([](RunConfig& c) { c.decay_biases = false; }), Catch::Contains("no weight decay"));
    // Each optimizer's own keys, and the warmup of inverse-sqrt.
    CHECK_THAT(refusal([](RunConfig& c) { c.optimizer = "adamw", c.momentum = 0.5; }),
               Catch::Contains("momentum is set to 0.5") && Catch::Contains("only optimizer sgd reads it"));
    CHECK_THAT(refusal([](RunConfig& c) { c.optimizer = "adamw", c.momentum = 0.9, c.nesterov = true; }),
               Catch::Contains("nesterov is set to true") && Catch::Contains("only optimizer sgd"));
    CHECK_THAT(refusal([](RunConfig& c) { c.adam_eps = 1e-6; }),
               Catch::Contains("adam-eps is set to 1e-06") && Catch::Contains("only optimizer adamw reads it"));
    CHECK_THAT(refusal([](RunConfig& c) {
                   c.adam_betas = {0.9, 0.98};
               }),
               Catch::Contains("adam-betas is set to 0.9,0.98"));
    CHECK(refusal([](RunConfig& c) { c.optimizer = "adamw", c.adam_betas = {0.9, 0.98}, c.adam_eps = 1e-6; }).empty());
    CHECK_THAT(refusal([](RunConfig& c) { c.warmup = 4000; }), Catch::Contains("only schedule inverse-sqrt reads it"));
    CHECK(refusal([](RunConfig& c) { c.schedule = "inverse-sqrt", c.warmup = 4000; }).empty());
    CHECK(refusal([](RunConfig& c) { c.decay_biases = false, c.weight_decay = 1e-4; }).empty());
    // With a teacher: the loss's keys act; smoothing only where the loss keeps a hard-label term.
    CHECK(refusal([](RunConfig& c) { c.temperature = 4, c.loss = "hinton"; }, true).empty());
    CHECK_THAT(refusal([](RunConfig& c) { c.smoothing = 0.1; }, true), Catch::Contains("with beta 1"));
    CHECK(refusal([](RunConfig& c) { c.smoothing = 0.1, c.beta = 0.5; }, true).empty());
    CHECK_THAT(refusal([](RunConfig& c) { c.temperature = 2, c.loss = "logit-mse"; }, true),
               Catch::Contains("without a temperature"));
    CHECK_THAT(refusal([](RunConfig& c) { c.temperature = 2, c.beta = 0; }, true), Catch::Contains("no teacher term"));
}
