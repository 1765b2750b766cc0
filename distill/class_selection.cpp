#include "distill/class_selection.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "framework/core/error.hpp"

namespace lskd::distill {
namespace {

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

bool same_name(const std::string& a, const std::string& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

int resolve_one(const std::string& item, const std::vector<std::string>& names) {
    for (std::size_t k = 0; k < names.size(); ++k)
        if (same_name(item, names[k])) return static_cast<int>(k);
    if (!item.empty() && std::all_of(item.begin(), item.end(), [](unsigned char c) { return std::isdigit(c); })) {
        const unsigned long k = item.size() > 9 ? names.size() : std::stoul(item);
        if (k < names.size()) return static_cast<int>(k);
        fail("class index {} is outside [0, {})", item, names.size());
    }
    fail("unknown class '{}' (the run's classes: {})", item, fmt::join(names, ", "));
}

}  // namespace

std::vector<int> resolve_classes(const std::string& text, const std::vector<std::string>& class_names,
                                 std::size_t count) {
    std::vector<int> classes;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        const std::string item = trim(text.substr(start, comma - start));
        if (item.empty()) fail("classes '{}': an empty item", text);
        const int k = resolve_one(item, class_names);
        if (std::find(classes.begin(), classes.end(), k) != classes.end())
            fail("classes '{}': class '{}' is given twice", text, class_names[static_cast<std::size_t>(k)]);
        classes.push_back(k);
        start = comma + 1;
    }
    if (classes.size() != count) fail("classes '{}': need exactly {} classes, got {}", text, count, classes.size());
    return classes;
}

std::string default_mi_classes(const std::string& dataset) {
    if (dataset == "fashion-mnist") return "Trouser,Bag";
    if (dataset == "cifar10") return "airplane,dog";
    return "0,1";
}

}  // namespace lskd::distill
