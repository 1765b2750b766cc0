#include "study/class_selection.hpp"

#include <algorithm>

namespace lskd::study {

std::string default_projection_classes(const std::string& dataset) {
    if (dataset == "fashion-mnist") return "T-shirt/top,Shirt,Pullover";
    if (dataset == "cifar10") return "airplane,automobile,bird";
    // By index (beaver, dolphin, otter), so that it also works when CIFAR-100's names file is absent.
    if (dataset == "cifar100") return "4,30,55";
    return "0,1,2";
}

std::vector<std::string> figure1_triples(const std::string& dataset, const std::vector<std::string>& class_names) {
    if (dataset == "fashion-mnist") return {"Trouser,Bag,Sneaker", "Shirt,T-shirt/top,Trouser"};
    const auto has = [&](const char* name) {
        return std::find(class_names.begin(), class_names.end(), name) != class_names.end();
    };
    if (dataset == "folder" && has("n02113624") && has("n02113712") && has("n01440764"))
        return {"n02113624,n02113712,n01440764", default_projection_classes(dataset)};
    return {default_projection_classes(dataset)};
}

}  // namespace lskd::study
