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

TEST_CASE("an ImageNet folder projects the poodles and tench of Figure 1", "[study][classes]") {
    const std::vector<std::string> wnids = {"n01440764", "n01443537", "n02113624", "n02113712", "n02113799"};
    CHECK(figure1_triples("folder", wnids) == std::vector<std::string>{"n02113624,n02113712,n01440764", "0,1,2"});
    CHECK(figure1_triples("folder", {"cat", "dog", "tench"}) == std::vector<std::string>{"0,1,2"});
}
