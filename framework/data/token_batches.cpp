#include "framework/data/token_batches.hpp"

#include <algorithm>
#include <numeric>

#include "framework/core/error.hpp"
#include "framework/core/random.hpp"
#include "framework/data/seeded.hpp"

namespace lskd::data {
namespace {

std::size_t source_row(const EncodedExample& e) { return e.source.size() + 1; }
std::size_t target_row(const EncodedExample& e) { return e.target.size() + 1; }

enum class Row { ids_then_eos, bos_then_ids };

void write_row(std::int32_t* row, std::size_t width, const std::vector<std::int32_t>& ids, Row form) {
    std::int32_t* at = row;
    if (form == Row::bos_then_ids) *at++ = kBosId;
    at = std::copy(ids.begin(), ids.end(), at);
    if (form == Row::ids_then_eos) *at++ = kEosId;
    std::fill(at, row + width, kPadId);
}

template <typename T>
void reserve_and_resize(std::vector<T>& v, std::size_t capacity, std::size_t size) {
    if (v.capacity() < capacity) v.reserve(capacity);
    v.resize(size);
}

}  // namespace

TokenBatcher::TokenBatcher(const std::vector<EncodedExample>& examples, const TokenBatchSpec& spec)
    : examples_(examples), spec_(spec) {
    if (examples_.empty()) fail("token batches: no examples to batch");
    if (spec_.max_sentences == 0 && spec_.max_tokens == 0)
        fail("token batches: neither max_sentences nor max_tokens limits a batch");
    make_plan();
    batch_order_.resize(batches_per_epoch());
}

void TokenBatcher::make_plan() {
    plan_.resize(examples_.size());
    if (spec_.shuffle)
        seeded_permutation(plan_, hash_keys(spec_.seed, {stream::token_batch_plan}));
    else
        std::iota(plan_.begin(), plan_.end(), std::size_t{0});
    const std::size_t chunk = spec_.chunk == 0 ? plan_.size() : spec_.chunk;
    for (std::size_t at = 0; at < plan_.size(); at += chunk) {
        const auto end = plan_.begin() + static_cast<std::ptrdiff_t>(std::min(plan_.size(), at + chunk));
        std::stable_sort(plan_.begin() + static_cast<std::ptrdiff_t>(at), end, [&](std::size_t a, std::size_t b) {
            const EncodedExample &x = examples_[a], &y = examples_[b];
            return std::pair(x.target.size(), x.source.size()) < std::pair(y.target.size(), y.source.size());
        });
    }
    const std::size_t max_rows = spec_.max_sentences == 0 ? plan_.size() : spec_.max_sentences;
    const std::size_t max_tokens = spec_.max_tokens == 0 ? SIZE_MAX : spec_.max_tokens;
    batch_starts_.assign(1, 0);
    std::size_t rows = 0, longest_source = 0, longest_target = 0;
    const auto close = [&](std::size_t end) {
        batch_starts_.push_back(end);
        max_rows_ = std::max(max_rows_, rows);
        max_source_cells_ = std::max(max_source_cells_, rows * longest_source);
        max_target_cells_ = std::max(max_target_cells_, rows * longest_target);
        rows = longest_source = longest_target = 0;
    };
    for (std::size_t p = 0; p < plan_.size(); ++p) {
        const EncodedExample& e = examples_[plan_[p]];
        const std::size_t s = std::max(longest_source, source_row(e)), t = std::max(longest_target, target_row(e));
        if (rows > 0 && (rows + 1 > max_rows || (rows + 1) * std::max(s, t) > max_tokens)) close(p);
        ++rows;
        longest_source = std::max(longest_source, source_row(e));
        longest_target = std::max(longest_target, target_row(e));
    }
    close(plan_.size());
}

void TokenBatcher::begin_epoch(std::uint64_t epoch) {
    if (spec_.shuffle)
        seeded_permutation(batch_order_, hash_keys(spec_.seed, {stream::token_batch_order, epoch}));
    else
        std::iota(batch_order_.begin(), batch_order_.end(), std::size_t{0});
    cursor_ = 0;
    started_ = true;
}

bool TokenBatcher::next(TokenBatch& batch) {
    LSKD_CHECK(started_, "TokenBatcher::next before begin_epoch");
    if (cursor_ == batch_order_.size()) return false;
    const std::size_t b = batch_order_[cursor_++];
    fill(batch_starts_[b], batch_starts_[b + 1], batch);
    return true;
}

void TokenBatcher::fill(std::size_t first, std::size_t last, TokenBatch& batch) const {
    const std::size_t rows = last - first;
    std::size_t ls = 0, lt = 0;
    for (std::size_t p = first; p < last; ++p) {
        ls = std::max(ls, source_row(examples_[plan_[p]]));
        lt = std::max(lt, target_row(examples_[plan_[p]]));
    }
    batch.rows = static_cast<std::int64_t>(rows);
    batch.source_length = static_cast<std::int64_t>(ls);
    batch.target_length = static_cast<std::int64_t>(lt);
    reserve_and_resize(batch.source, max_source_cells_, rows * ls);
    reserve_and_resize(batch.decoder_input, max_target_cells_, rows * lt);
    reserve_and_resize(batch.target, max_target_cells_, rows * lt);
    reserve_and_resize(batch.source_lengths, max_rows_, rows);
    reserve_and_resize(batch.target_lengths, max_rows_, rows);
    reserve_and_resize(batch.indices, max_rows_, rows);
    batch.target_tokens = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        const EncodedExample& e = examples_[plan_[first + r]];
        write_row(batch.source.data() + r * ls, ls, e.source, Row::ids_then_eos);
        write_row(batch.decoder_input.data() + r * lt, lt, e.target, Row::bos_then_ids);
        write_row(batch.target.data() + r * lt, lt, e.target, Row::ids_then_eos);
        batch.source_lengths[r] = static_cast<std::int32_t>(source_row(e));
        batch.target_lengths[r] = static_cast<std::int32_t>(target_row(e));
        batch.indices[r] = static_cast<std::int64_t>(plan_[first + r]);
        batch.target_tokens += batch.target_lengths[r];
    }
}

}  // namespace lskd::data
