#include <catch2/catch.hpp>

#include "study/class_selection.hpp"

using namespace lskd;
using namespace lskd::study;

TEST_CASE("the study projects both triples of M's Figure 1 on Fashion-MNIST, the default triple elsewhere",
          "[study][classes]") {
    CHECK(figure1_triples("fashion-mnist") ==
          std::vector<std::string>{"Trouser,Bag,Sneaker", "Shirt,T-shirt/top,Trouser"});
    CHECK(figure1_triples("cifar10") == std::vector<std::string>{"airplane,automobile,bird"});
}
