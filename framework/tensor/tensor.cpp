#include "framework/tensor/tensor.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "framework/core/error.hpp"
#include "framework/tensor/buffer_pool.hpp"

namespace lskd {

Shape::Shape(std::initializer_list<std::int64_t> dims)
    : Shape(std::span<const std::int64_t>(dims.begin(), dims.size())) {}

Shape::Shape(std::span<const std::int64_t> dims) {
    if (dims.size() > kMaxRank) fail("shape of rank {} exceeds the maximum rank {}", dims.size(), kMaxRank);
    rank_ = static_cast<int>(dims.size());
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (dims[i] < 0) fail("shape dimension {} is negative ({})", i, dims[i]);
        dims_[i] = dims[i];
    }
}

std::int64_t Shape::numel() const {
    std::int64_t n = 1;
    for (int i = 0; i < rank_; ++i) n *= dims_[static_cast<std::size_t>(i)];
    return n;
}

std::string Shape::str() const { return fmt::format("[{}]", fmt::join(dims(), ", ")); }

bool operator==(const Shape& a, const Shape& b) {
    return a.rank_ == b.rank_ && std::equal(a.dims_.begin(), a.dims_.begin() + a.rank_, b.dims_.begin());
}

Tensor Tensor::empty(const Shape& shape) {
    Tensor t;
    t.shape_ = shape;
    t.storage_ = acquire_buffer(static_cast<std::size_t>(shape.numel()));
    t.data_ = t.storage_->data;
    return t;
}

Tensor Tensor::zeros(const Shape& shape) { return full(shape, 0.0f); }

Tensor Tensor::full(const Shape& shape, float value) {
    Tensor t = empty(shape);
    std::ranges::fill(t.values(), value);  // a new tensor starts at version 0, as after from() or clone()
    return t;
}

Tensor Tensor::from(const Shape& shape, std::span<const float> values) {
    if (static_cast<std::int64_t>(values.size()) != shape.numel())
        fail("Tensor::from: {} values for shape {}", values.size(), shape.str());
    Tensor t = empty(shape);
    std::copy(values.begin(), values.end(), t.data());
    return t;
}

Tensor Tensor::clone() const {
    if (!defined()) return {};
    Tensor t = empty(shape_);
    std::memcpy(t.data(), data(), static_cast<std::size_t>(numel()) * sizeof(float));
    return t;
}

Tensor Tensor::reshaped(const Shape& shape) const {
    if (shape.numel() != numel()) fail("cannot reshape {} to {}", shape_.str(), shape.str());
    Tensor t = *this;
    t.shape_ = shape;
    return t;
}

std::span<float> Tensor::values_in_place() {
    if (storage_) ++storage_->version;
    return values();
}

std::uint64_t Tensor::version() const { return storage_ ? storage_->version : 0; }

void Tensor::fill(float value) { std::ranges::fill(values_in_place(), value); }

void Tensor::copy_from(const Tensor& other) {
    if (other.numel() != numel()) fail("copy_from: {} into {}", other.shape().str(), shape_.str());
    std::memcpy(values_in_place().data(), other.data(), static_cast<std::size_t>(numel()) * sizeof(float));
}

}  // namespace lskd
