// lskd score on small files: sacreBLEU's README example (its text output, BLEU 48.53 and chrF2 59.73), WER and PER
// worked by hand, and the errors for files that do not line up or are not UTF-8.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/cli/cli_runner.hpp"

using namespace lskd::testing;

namespace {

std::string write_file(const std::string& name, const std::string& text) {
    const auto path = std::filesystem::temp_directory_path() / process_test_dir() / "score" / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
}

struct ReadmeFiles {
    std::string hyp =
        write_file("hyp.txt", "The dog bit the man.\nIt wasn't surprising.\nThe man had just bitten him.\n");
    std::string ref1 = write_file("ref1.txt", "The dog bit the man.\nIt was not unexpected.\nThe man bit him first.\n");
    std::string ref2 =
        write_file("ref2.txt", "The dog had bit the man.\nNo one was surprised.\nThe man had bitten the dog.\n");
};

ProgramOutput score(const std::vector<std::string>& args) {
    std::vector<std::string> all{"score"};
    all.insert(all.end(), args.begin(), args.end());
    const ProgramOutput r = run_lskd(all);
    UNSCOPED_INFO("exit " << r.code << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    return r;
}

}  // namespace

TEST_CASE("score bleu prints as sacreBLEU", "[cli][score]") {
    const ReadmeFiles f;
    const ProgramOutput r = score({f.hyp, f.ref1, f.ref2});
    CHECK(r.code == 0);
    CHECK(r.out == "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)\n");
    const ProgramOutput json = score({"--json", f.hyp, f.ref1, f.ref2});
    CHECK(json.code == 0);
    CHECK(json.out.find("\"score\": 48.5308270") != std::string::npos);
    CHECK(json.out.find("\"counts_4\": 3") != std::string::npos);
}

TEST_CASE("score chrf prints as sacreBLEU", "[cli][score]") {
    const ReadmeFiles f;
    const ProgramOutput r = score({"--metric", "chrf", f.hyp, f.ref1, f.ref2});
    CHECK(r.code == 0);
    CHECK(r.out == "chrF2 = 59.73\n");
}

TEST_CASE("score wer and per", "[cli][score]") {
    // Word 2 is one phone off; word 3 matches the second file's reference, empty for words 1 and 2.
    const std::string hyp = write_file("g.hyp", "k ae t\nd ao k\nr eh d\n");
    const std::string ref1 = write_file("g.ref1", "k ae t\nd ao g\nr iy d\n");
    const std::string ref2 = write_file("g.ref2", "\n\nr eh d\n");
    const ProgramOutput wer = score({"--metric", "wer", hyp, ref1, ref2});
    CHECK(wer.code == 0);
    CHECK(wer.out == "WER = 33.33 (word_errors = 1 words = 3)\n");
    const ProgramOutput per = score({"--metric", "per", "--json", hyp, ref1, ref2});
    CHECK(per.code == 0);
    CHECK(per.out.find("\"edits\": 1, \"ref_len\": 9") != std::string::npos);
    const ProgramOutput none = score({"--metric", "per", hyp, ref2});
    CHECK(none.code == 1);
    CHECK(none.err.find("line 1: every reference file has an empty line 1") != std::string::npos);
}

TEST_CASE("score names a file that is too short", "[cli][score]") {
    const ReadmeFiles f;
    const std::string short_ref = write_file("short.txt", "a\nb\n");
    const ProgramOutput r = score({f.hyp, f.ref1, short_ref});
    CHECK(r.code == 1);
    CHECK(r.err == "lskd: error: " + short_ref + ": 2 lines, but " + f.hyp + " has 3: line 3 has no counterpart\n");
}

TEST_CASE("score names a line that is not UTF-8", "[cli][score]") {
    const ReadmeFiles f;
    const std::string bad = write_file("bad.txt", "ok\nab\xff\nc\n");
    const ProgramOutput r = score({"--metric", "chrf", f.hyp, bad});
    CHECK(r.code == 1);
    CHECK(r.err == "lskd: error: " + bad + ": line 2: not UTF-8 (byte 0xff at column 3)\n");
}

TEST_CASE("score refuses a missing file and an unknown metric", "[cli][score]") {
    const ReadmeFiles f;
    const ProgramOutput missing = score({f.hyp, f.ref1 + ".missing"});
    CHECK(missing.code == 1);
    CHECK(missing.err.find(f.ref1 + ".missing") != std::string::npos);
    CHECK(score({"--metric", "ter", f.hyp, f.ref1}).code == 2);
    CHECK(score({f.hyp}).code == 2);
}

TEST_CASE("score lowercase", "[cli][score]") {
    const std::string hyp = write_file("lc.hyp", "The DOG bit the MAN.\n");
    const std::string ref = write_file("lc.ref", "the dog bit the man.\n");
    CHECK(score({"--lowercase", hyp, ref}).out.rfind("BLEU = 100.00 ", 0) == 0);
    CHECK(score({"--metric", "chrf", "--lc", hyp, ref}).out == "chrF2 = 100.00\n");
}
