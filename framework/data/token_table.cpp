#include "framework/data/token_table.hpp"

#include <array>
#include <utility>

#include "framework/core/error.hpp"
#include "framework/data/vocabulary.hpp"

namespace lskd::data {

static_assert(TokenTable::kFirstTokenId == kUnkId + 1, "text tokens follow the special ids");

TokenTable::TokenTable(std::vector<std::string> tokens, std::string kind)
    : tokens_(std::move(tokens)), kind_(std::move(kind)) {
    ids_.reserve(tokens_.size());
    for (std::size_t i = 0; i < tokens_.size(); ++i) {
        if (i > 0 && !(tokens_[i - 1] < tokens_[i]))
            fail("{} vocabulary: token {} is not after token {} in byte order (or repeats it)", kind_,
                 i + kFirstTokenId, i + kFirstTokenId - 1);
        ids_.emplace(tokens_[i], static_cast<std::int32_t>(i) + kFirstTokenId);
    }
}

TokenTable TokenTable::from_set(const std::set<std::string>& tokens, std::string kind) {
    return TokenTable(std::vector<std::string>(tokens.begin(), tokens.end()), std::move(kind));
}

std::int32_t TokenTable::id(std::string_view token) const {
    const auto it = ids_.find(std::string(token));
    return it == ids_.end() ? kUnkId : it->second;
}

const std::string& TokenTable::token(std::int32_t id) const {
    check(id);
    if (id < kFirstTokenId) fail("{} vocabulary: id {} is a special token, not a text token", kind_, id);
    return tokens_[static_cast<std::size_t>(id - kFirstTokenId)];
}

void TokenTable::check(std::int32_t id) const {
    if (id < 0 || id >= size()) fail("{} vocabulary: id {} is out of range [0, {})", kind_, id, size());
}

std::string TokenTable::special_name(std::int32_t id) {
    static const std::array<std::string, 4> names{"<pad>", "<bos>", "<eos>", "<unk>"};
    return names.at(static_cast<std::size_t>(id));
}

}  // namespace lskd::data
