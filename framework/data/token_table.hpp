// The id ↔ token table the char and symbol vocabularies share: the 4 special ids of vocabulary.hpp, then the
// tokens in ascending byte order (for UTF-8 that is code point order), so the same token set always gets the same
// ids. Ids out of range are Errors.
#pragma once
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lskd::data {

class TokenTable {
public:
    TokenTable() = default;
    // `tokens` ascending and distinct (a std::set is); `kind` names the vocabulary in errors.
    TokenTable(std::vector<std::string> tokens, std::string kind);
    static TokenTable from_set(const std::set<std::string>& tokens, std::string kind);

    std::int32_t size() const { return static_cast<std::int32_t>(tokens_.size()) + kFirstTokenId; }
    // The token's id, kUnkId when the table does not have it.
    std::int32_t id(std::string_view token) const;
    // The token of an ordinary id (≥ kFirstTokenId).
    const std::string& token(std::int32_t id) const;
    const std::vector<std::string>& tokens() const { return tokens_; }
    // An Error unless `id` is in [0, size()).
    void check(std::int32_t id) const;

    static constexpr std::int32_t kFirstTokenId = 4;
    // "<pad>", "<bos>", "<eos>", "<unk>" for ids 0..3.
    static std::string special_name(std::int32_t id);

private:
    std::vector<std::string> tokens_;  // id kFirstTokenId + i ↔ tokens_[i]
    std::unordered_map<std::string, std::int32_t> ids_;
    std::string kind_;
};

}  // namespace lskd::data
