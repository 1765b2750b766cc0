#include <catch2/catch.hpp>

#include "tests/ops/op_cases.hpp"

using namespace lskd;
using namespace lskd::testing;

TEST_CASE("every op has a gradient-check case", "[ops][gradcheck]") {
    const auto cases = op_cases();
    for (std::uint32_t k = 0; k < static_cast<std::uint32_t>(OpKind::count); ++k) {
        INFO("op " << op_name(static_cast<OpKind>(k)));
        CHECK(cases.count(static_cast<OpKind>(k)) == 1);
    }
}

TEST_CASE("every op's backward matches central finite differences", "[ops][gradcheck]") {
    for (auto& [kind, c] : op_cases()) {
        DYNAMIC_SECTION(op_name(kind)) {
            const GradcheckResult r = gradcheck(c.fn, c.inputs);
            INFO("op " << op_name(kind) << " max abs error " << r.max_abs_error << " over " << r.checked);
            CHECK(r.checked > 0);
            CHECK(r.max_rel_error < c.tolerance);
        }
    }
}
