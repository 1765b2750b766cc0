// Small teachers for the distill tests: the run fixture's config trained once per α and kept for the whole
// test process, and a student config pointing at one.
#pragma once
#include <map>
#include <string>

#include <fmt/format.h>

#include "distill/checkpoint.hpp"
#include "tests/distill/run_fixture.hpp"

namespace lskd::testing {

inline std::string small_teacher(double alpha) {
    static std::map<double, std::string> trained;
    if (const auto it = trained.find(alpha); it != trained.end()) return it->second;
    distill::RunConfig c = small_run_config(temp_path(fmt::format("teacher_a{}", alpha)));
    c.smoothing = alpha;
    c.epochs = 2;
    distill::train(c, small_dataset(), quiet());
    return trained[alpha] = c.output;
}

inline distill::RunConfig small_student_config(const std::string& output, const std::string& teacher) {
    distill::RunConfig c = small_run_config(output);
    c.hidden = {16};
    c.epochs = 2;
    c.teacher = teacher;
    return c;
}

}  // namespace lskd::testing
