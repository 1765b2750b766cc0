// lskd::Tensor: dense float32 storage with a shape, 64-byte aligned, drawn from the buffer pool.
// Copies share storage (like a PyTorch tensor handle) and its version counter; clone() copies the data.
// Layout convention, in memory order: 2-D activations are [N, C]; 4-D activations are NHWC [N, H, W, C];
// linear weights are [out, in]; conv weights are OIHW [out, in, kh, kw]; vectors are [n].
#pragma once
#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace lskd {

struct Buffer;

class Shape {
public:
    static constexpr int kMaxRank = 5;

    Shape() = default;
    Shape(std::initializer_list<std::int64_t> dims);
    explicit Shape(std::span<const std::int64_t> dims);

    int rank() const { return rank_; }
    std::int64_t operator[](int i) const { return dims_[static_cast<std::size_t>(i)]; }
    std::int64_t& operator[](int i) { return dims_[static_cast<std::size_t>(i)]; }
    std::int64_t numel() const;
    std::span<const std::int64_t> dims() const { return {dims_.data(), static_cast<std::size_t>(rank_)}; }
    std::vector<std::int64_t> to_vector() const { return {dims_.begin(), dims_.begin() + rank_}; }
    std::string str() const;  // "[2, 3]"

    friend bool operator==(const Shape& a, const Shape& b);

private:
    std::array<std::int64_t, kMaxRank> dims_{};
    int rank_ = 0;
};

class Tensor {
public:
    Tensor() = default;  // undefined: holds no storage

    static Tensor empty(const Shape& shape);  // contents unspecified
    static Tensor zeros(const Shape& shape);
    static Tensor full(const Shape& shape, float value);
    static Tensor from(const Shape& shape, std::span<const float> values);

    bool defined() const { return storage_ != nullptr; }
    const Shape& shape() const { return shape_; }
    int rank() const { return shape_.rank(); }
    std::int64_t dim(int i) const { return shape_[i]; }
    std::int64_t numel() const { return shape_.numel(); }

    // Writable access without a version bump: only for a tensor no op or other handle has seen (one this
    // code just made, or a unique() one it reuses). Writes into existing state go through values_in_place().
    float* data() { return data_; }
    const float* data() const { return data_; }
    std::span<float> values() { return {data_, static_cast<std::size_t>(numel())}; }
    std::span<const float> values() const { return {data_, static_cast<std::size_t>(numel())}; }
    float& at(std::int64_t flat) { return data_[flat]; }
    float at(std::int64_t flat) const { return data_[flat]; }

    // The one way to write into storage that others may hold (a parameter, a buffer, a tensor an op
    // saved for backward): bumps the storage's version, then hands out the values. fill and copy_from
    // go through it too.
    std::span<float> values_in_place();
    // How many in-place writes the storage has had; 0 for an undefined tensor.
    std::uint64_t version() const;

    Tensor clone() const;
    // Same storage, another shape with the same element count.
    Tensor reshaped(const Shape& shape) const;
    void fill(float value);
    void copy_from(const Tensor& other);  // shapes must have equal element counts
    // True when no other handle shares this storage, so it may be written in place.
    bool unique() const { return storage_.use_count() == 1; }

private:
    Shape shape_;
    std::shared_ptr<Buffer> storage_;
    float* data_ = nullptr;  // storage_->data, kept here so element access is one load
};

}  // namespace lskd
