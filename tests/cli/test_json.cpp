#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/bench_json_keys.hpp"
#include "tests/cli/cli_runner.hpp"
#include "tests/cli/tiny_runs.hpp"

using namespace lskd::testing;

namespace {

// Strict JSON (no NaN or Infinity, no repeated key) of one object, parsed by Python's json module: each key with
// the JSON text of its value, so values can be compared as text ("1", "\"test\"", "null").
constexpr const char* kParseObject = R"(import json, sys
def reject(what):
    sys.exit("not JSON: " + str(what))
def unique(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys): reject("a repeated key")
    return dict(pairs)
d = json.loads(sys.argv[1], parse_constant=reject, object_pairs_hook=unique)
if not isinstance(d, dict): reject("not an object")
for k, v in d.items(): print(k + "\t" + json.dumps(v))
)";

std::map<std::string, std::string> parse_object(const std::string& text) {
    const ProgramOutput r = run_program({"/usr/bin/python3", "-c", kParseObject, text});
    INFO(text << "\n" << r.err);
    REQUIRE(r.code == 0);
    std::map<std::string, std::string> fields;
    for (const std::string& line : lines_of(r.out)) {
        const auto tab = line.find('\t');
        fields[line.substr(0, tab)] = line.substr(tab + 1);
    }
    return fields;
}

std::set<std::string> keys_of(const std::map<std::string, std::string>& fields) {
    std::set<std::string> keys;
    for (const auto& [k, v] : fields) keys.insert(k);
    return keys;
}

// Runs lskd with --json (and the other args): exit 0 and exactly one line on stdout, one JSON object with
// exactly `keys`; returns its fields.
std::map<std::string, std::string> json_of(const std::vector<std::string>& args, const std::set<std::string>& keys) {
    std::string command = "lskd";
    for (const std::string& a : args) command += " " + a;
    std::vector<std::string> with_json = args;
    with_json.push_back("--json");
    const ProgramOutput r = run_lskd(with_json);
    INFO(command << " --json\nstdout:\n" << r.out << "stderr:\n" << r.err);
    REQUIRE(r.code == 0);
    REQUIRE(lines_of(r.out).size() == 1);
    REQUIRE(r.out.back() == '\n');
    const auto fields = parse_object(r.out.substr(0, r.out.size() - 1));
    CHECK(keys_of(fields) == keys);
    return fields;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

TEST_CASE("the JSON checker accepts one strict JSON object and rejects anything else", "[cli][json]") {
    CHECK(parse_object(R"({"a": 1, "b": "x", "c": null})") ==
          std::map<std::string, std::string>{{"a", "1"}, {"b", "\"x\""}, {"c", "null"}});
    for (const char* bad : {R"({"a": NaN})", R"({"a": 1, "a": 2})", R"([1, 2])", R"({"a": 1)", R"({"a": 1} x)"}) {
        const ProgramOutput r = run_program({"/usr/bin/python3", "-c", kParseObject, bad});
        INFO(bad);
        CHECK(r.code != 0);
    }
}

TEST_CASE("train, eval, analyze, distill, sweep and bench print one line of JSON with their keys", "[cli][json]") {
    const auto dir = cli_temp_dir("json");
    const std::string teacher = (dir / "teacher").string();
    const std::set<std::string> run_keys{"test_acc",   "test_nll", "test_ece", "val_acc",
                                         "train_loss", "epochs",   "seconds",  "output"};

    SECTION("train, eval and the four analyses of its run, distill from it") {
        // Without --quiet: progress must stay off stdout.
        const auto train = json_of(tiny_run_args("train", {"--output", teacher}), run_keys);
        CHECK(train.at("epochs") == "1");
        CHECK(train.at("output") == quoted(teacher));

        const auto eval =
            json_of({"eval", teacher}, {"accuracy", "nll", "ece", "examples", "split", "run", "precision"});
        CHECK(eval.at("examples") == "100");
        CHECK(eval.at("split") == "\"test\"");
        CHECK(eval.at("run") == quoted(teacher));
        CHECK(eval.at("accuracy") == train.at("test_acc"));

        const std::set<std::string> run_info{"alpha", "dataset", "model", "run"};
        auto with = [&](std::set<std::string> keys) {
            keys.insert(run_info.begin(), run_info.end());
            return keys;
        };
        const auto calibration =
            json_of({"analyze", "calibration", teacher},
                    with({"accuracy", "bins", "ece_after", "ece_before", "fit_examples", "nll_after", "nll_before",
                          "report_examples", "temperature", "fit_split", "report_split"}));
        CHECK(calibration.at("bins") == "15");
        CHECK(calibration.at("report_examples") == "100");
        CHECK(calibration.at("run") == quoted(teacher));
        const std::set<std::string> split_projection{"coord_range", "others_relative_difference", "own_distance",
                                                     "scatter_ratio"};
        std::set<std::string> projection_keys{"epoch", "classes", "variant"};
        for (const char* split : {"train_", "val_", "test_"})
            for (const std::string& k : split_projection) projection_keys.insert(split + k);
        const auto projection = json_of({"analyze", "projection", teacher}, with(projection_keys));
        CHECK(projection.at("classes") == "\"T-shirt/top,Shirt,Pullover\"");
        CHECK(projection.at("epoch") == "1");
        const auto mi =
            json_of({"analyze", "mi", teacher, "--examples", "20", "--views", "2"},
                    with({"epoch", "examples", "log_2", "log_n", "mi_nats", "seed", "sigma2", "views", "classes"}));
        CHECK(mi.at("examples") == "20");
        CHECK(mi.at("views") == "2");
        const std::set<std::string> split_erasure{"gap_mean", "gap_std", "one_minus_s", "penultimate_relative_variance",
                                                  "penultimate_variance"};
        std::set<std::string> erasure_keys{"epoch", "optimal_logit_gap"};
        for (const char* split : {"train_", "test_"})
            for (const std::string& k : split_erasure) erasure_keys.insert(split + k);
        json_of({"analyze", "erasure", teacher}, with(erasure_keys));

        const std::string student = (dir / "student").string();
        std::set<std::string> keys = run_keys;
        keys.insert({"gamma", "teacher_alpha", "teacher_test_acc", "teacher_forward_passes", "teacher_cache_hit",
                     "teacher_cache_seconds", "teacher_compute_seconds", "teacher", "teacher_hash"});
        const auto distill =
            json_of(tiny_run_args("distill", {"--teacher", teacher, "--output", student, "--quiet"}), keys);
        CHECK(distill.at("teacher") == quoted(teacher));
        CHECK(distill.at("output") == quoted(student));
        CHECK(distill.at("teacher_test_acc") == train.at("test_acc"));
        CHECK(distill.at("teacher_cache_hit") == "0");
    }

    SECTION("sweep") {
        const std::string config = (dir / "sweep.yaml").string();
        const std::string recipe = "{hidden: 16, val-size: 100, epochs: 1, batch: 50, record-per-class: 4, threads: 1}";
        std::ofstream(config) << "output: " << (dir / "sweep").string() << "\ndataset: fashion-mnist\n"
                              << "data-dir: " << tiny_data_dir() << "\nseeds: [1]\n"
                              << "teacher: {model: mlp, alphas: [0], recipe: " << recipe << "}\n"
                              << "student: {model: mlp, recipe: " << recipe << "}\n"
                              << "distill: [{teacher-alpha: 0, temperatures: [1]}]\n";
        const auto sweep =
            json_of({"sweep", config, "--quiet"}, {"runs", "trained", "skipped", "seconds", "directory"});
        CHECK(sweep.at("runs") == "2");
        CHECK(sweep.at("trained") == "2");
        CHECK(sweep.at("skipped") == "0");
        CHECK(sweep.at("directory") == quoted((dir / "sweep").string()));
    }

    SECTION("bench") {
        std::set<std::string> keys{"model", "precision"};
        keys.insert(kBenchCommonKeys.begin(), kBenchCommonKeys.end());
        keys.insert(kBenchTrainKeys.begin(), kBenchTrainKeys.end());
        const auto bench = json_of(
            {"bench", "--model", "mlp-800", "--batch", "4", "--steps", "1", "--warmup", "0", "--threads", "1"}, keys);
        CHECK(bench.at("batch") == "4");
        CHECK(bench.at("threads") == "1");
        CHECK(bench.at("model") == "\"mlp-800\"");
        CHECK(bench.at("precision") == "\"f32\"");
    }

    SECTION("bench of a sequence model") {
        std::set<std::string> keys{"model",
                                   "precision",
                                   "batch",
                                   "threads",
                                   "peak_rss_mib",
                                   "target_tokens",
                                   "beam",
                                   "beam_words_per_cpu_s",
                                   "greedy_words_per_s",
                                   "greedy_words_per_cpu_s"};
        for (const std::string phase : {"train_", "beam_"})
            for (const char* key : {"step_ms", "step_cpu_ms", "profiled_step_ms", "primitives_ms", "gemm_ms",
                                    "gemm_cpu_ms", "overhead_share", "overhead_share_cpu"})
                keys.insert(phase + key);
        keys.insert({"train_tok_per_s", "beam_words_per_s"});
        const auto bench =
            json_of({"bench", "--model", "transformer-tiny", "--batch", "3", "--steps", "1", "--warmup", "0",
                     "--threads", "1", "--source-length", "4", "--target-length", "2", "--decode-passes", "1"},
                    keys);
        CHECK(bench.at("target_tokens") == "9");
        CHECK(bench.at("beam") == "5");
        CHECK(bench.at("model") == "\"transformer-tiny\"");
        CHECK(bench.at("precision") == "\"f32\"");
    }
}
