// A pass of a model over a split (distill/evaluation.hpp's run_model: a teacher's logits over a whole training
// split, a run's outputs) stops at a signal between batches. The interrupt handlers are process-wide and one-way,
// so the case runs in a forked copy of the test process, forked before anything in it started a thread, and reports
// by its exit status.
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>

#include <catch2/catch.hpp>

#include "distill/evaluation.hpp"
#include "framework/core/interrupt.hpp"
#include "models/model_registry.hpp"
#include "tests/distill/run_fixture.hpp"

using namespace lskd;

TEST_CASE("a model's pass over a split stops at a signal", "[distill][interrupt]") {
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::alarm(120);  // a hang ends the copy, and fails the case, instead of stalling it
        install_interrupt_handlers();
        const data::Dataset& dataset = testing::small_dataset();
        const models::InputShape input{dataset.test.height, dataset.test.width, dataset.test.channels};
        auto model = models::make_model("mlp", input, dataset.num_classes, 7, models::ModelOptions{{32}, 0});
        const distill::SplitOutputs whole = distill::run_model(*model, dataset.test, dataset.normalization, 64, false);
        if (whole.labels.size() != dataset.test.size()) ::_exit(1);  // no signal: every example
        std::raise(SIGTERM);
        try {
            distill::run_model(*model, dataset.test, dataset.normalization, 64, false);
        } catch (const Interrupted& e) {
            ::_exit(e.signal() == SIGTERM ? 0 : 2);
        }
        ::_exit(3);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
