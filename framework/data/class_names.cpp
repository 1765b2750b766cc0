#include "framework/data/class_names.hpp"

#include <algorithm>
#include <string_view>

#include "framework/core/error.hpp"
#include "framework/data/file_bytes.hpp"

namespace lskd::data {

std::vector<std::string> fashion_mnist_class_names() {
    return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
}

std::vector<std::string> cifar10_class_names() {
    return {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
}

std::vector<std::string> numbered_class_names(int num_classes) {
    std::vector<std::string> names;
    for (int k = 0; k < num_classes; ++k) names.push_back(std::to_string(k));
    return names;
}

std::vector<std::string> read_class_names(const std::filesystem::path& file, int num_classes) {
    const std::vector<std::uint8_t> bytes = read_file_bytes(file);
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    std::vector<std::string> names;
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = std::min(text.find('\n', start), text.size());
        std::string_view line = text.substr(start, end - start);
        if (line.ends_with('\r')) line.remove_suffix(1);
        names.emplace_back(line);
        start = end + 1;
    }
    // The official file ends with blank lines; a blank line between names would shift every later label.
    while (!names.empty() && names.back().empty()) names.pop_back();
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i].empty()) fail("{}: line {} is blank, expected a class name", file.string(), i + 1);
    if (static_cast<int>(names.size()) != num_classes)
        fail("{}: {} class names, expected {}", file.string(), names.size(), num_classes);
    return names;
}

}  // namespace lskd::data
