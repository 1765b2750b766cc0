// Sequence runs through the one trainer (distill/sequence_run.hpp): what a run directory holds, resumption bit for
// bit, a distilled student with its γ, and a teacher of other vocabularies refused.
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "framework/core/error.hpp"
#include "tests/distill/sequence_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

std::size_t line_count(const std::string& path) {
    std::ifstream in(path);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
}

const data::SequenceDataset& reversal_data() {
    static const data::SequenceDataset d =
        distill::load_sequence_run_dataset(sequence_config(reversal_corpus("reversal", 300), ""));
    return d;
}

}  // namespace

TEST_CASE("a sequence run writes its directory", "[distill][sequence_run][slow]") {
    const auto config = sequence_config(reversal_data().origin, temp_path("seq_run"));
    const auto r = distill::train_sequences(config, reversal_data(), quiet());
    const distill::RunContents run = distill::load_run(r.output);
    REQUIRE(run.sequence);
    CHECK(run.sequence->source_vocab_kind == "char");
    CHECK(run.num_classes == reversal_data().target_vocab->size());
    for (const char* name : {"test_nll", "test_acc", "test_ece", "val_nll", "test_bleu", "test_chrf"})
        CHECK(std::isfinite(r.last.at(name)));
    CHECK(r.last.at("test_acc") > 0.2);  // far above chance over the 13 ids once trained a little
    CHECK(line_count(r.output + "/outputs/test_decodes.txt") == 40);
    CHECK(std::filesystem::exists(r.output + "/records/val_epoch_2.h5"));
    CHECK(run.params.at("decoder.norm.weight").numel() == 128);
}

TEST_CASE("a sequence run resumes bit for bit", "[distill][sequence_run][slow]") {
    auto config = sequence_config(reversal_data().origin, temp_path("seq_straight"));
    const auto straight = distill::train_sequences(config, reversal_data(), quiet());
    config.output = temp_path("seq_resumed");
    config.epochs = 1;
    distill::train_sequences(config, reversal_data(), quiet());
    config.epochs = 2;
    distill::TrainOptions resume = quiet();
    resume.resume = true;
    const auto resumed = distill::train_sequences(config, reversal_data(), resume);
    const auto a = distill::load_run(straight.output), b = distill::load_run(resumed.output);
    for (const auto& [name, t] : a.params)
        CHECK(std::equal(t.values().begin(), t.values().end(), b.params.at(name).values().begin()));
    CHECK(a.metrics.at("train_loss") == b.metrics.at("train_loss"));
}

TEST_CASE("a sequence student learns from its teacher", "[distill][sequence_run][slow]") {
    const auto teacher = distill::train_sequences(sequence_config(reversal_data().origin, temp_path("seq_teacher")),
                                                  reversal_data(), quiet());
    auto student = sequence_config(reversal_data().origin, temp_path("seq_student"));
    student.teacher = teacher.output;
    student.temperature = 2.0;
    student.loss = "hinton";
    const auto r = distill::train_sequences(student, reversal_data(), quiet());
    const distill::RunHeader h = distill::read_run_header(r.output);
    REQUIRE(h.teacher);
    CHECK(h.teacher->gamma > 0.0);
    CHECK(h.teacher->gamma < 1.0);
    CHECK(h.teacher->file == teacher.output);

    // Sequence-level: the teacher's beam outputs are the training targets, learnt by cross-entropy.
    auto sequence_level = sequence_config(reversal_data().origin, temp_path("seq_level_student"));
    sequence_level.teacher = teacher.output;
    sequence_level.kd_level = "sequence";
    const auto s = distill::train_sequences(sequence_level, reversal_data(), quiet());
    CHECK(distill::read_run_header(s.output).teacher);
    CHECK(std::isfinite(s.last.at("test_bleu")));

    const auto other = distill::load_sequence_run_dataset(sequence_config(reversal_corpus("other", 300, "pqrstu"), ""));
    auto stranger = sequence_config(other.origin, temp_path("seq_stranger"));
    stranger.teacher = teacher.output;
    CHECK_THROWS_WITH(distill::train_sequences(stranger, other, quiet()), Catch::Contains("vocabulary differs"));
}
