#include <catch2/catch.hpp>

#include "distill/class_selection.hpp"
#include "framework/core/error.hpp"
#include "framework/data/class_names.hpp"

using namespace lskd;
using namespace lskd::distill;

TEST_CASE("classes are resolved by name, case-insensitively, or by index", "[distill][classes]") {
    const auto names = data::fashion_mnist_class_names();
    CHECK(resolve_classes("T-shirt/top,Shirt,Pullover", names, 3) == std::vector<int>{0, 6, 2});
    CHECK(resolve_classes(" trouser , BAG,7", names, 3) == std::vector<int>{1, 8, 7});
    CHECK(resolve_classes("9,0", names, 2) == std::vector<int>{9, 0});
    CHECK(resolve_classes(default_mi_classes("fashion-mnist"), names, 2) == std::vector<int>{1, 8});
    CHECK(resolve_classes(default_mi_classes("cifar10"), data::cifar10_class_names(), 2) == std::vector<int>{0, 5});
}

TEST_CASE("unknown, repeated, missing or surplus classes are errors", "[distill][classes]") {
    const auto names = data::fashion_mnist_class_names();
    CHECK_THROWS_WITH(resolve_classes("Trouser,Bag,Jacket", names, 3), Catch::Contains("unknown class 'Jacket'"));
    CHECK_THROWS_WITH(resolve_classes("Trouser,Bag", names, 3), Catch::Contains("need exactly 3 classes, got 2"));
    CHECK_THROWS_WITH(resolve_classes("Trouser,bag,Bag", names, 3), Catch::Contains("'Bag' is given twice"));
    CHECK_THROWS_WITH(resolve_classes("1,Trouser,2", names, 3), Catch::Contains("given twice"));
    CHECK_THROWS_WITH(resolve_classes("0,1,10", names, 3), Catch::Contains("outside [0, 10)"));
    CHECK_THROWS_WITH(resolve_classes("0,,1", names, 3), Catch::Contains("empty item"));
    CHECK_THROWS_AS(resolve_classes("", names, 2), Error);
    CHECK_THROWS_WITH(resolve_classes("0,1,2,3", names, 3), Catch::Contains("got 4"));
}
