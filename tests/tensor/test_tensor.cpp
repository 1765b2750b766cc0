#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/tensor/buffer_pool.hpp"
#include "framework/tensor/eigen_view.hpp"
#include "framework/tensor/tensor.hpp"

using namespace lskd;

TEST_CASE("tensor storage is 64-byte aligned and reused by size", "[tensor]") {
    const auto before = pool_stats().live_buffers;
    const float* first = nullptr;
    {
        Tensor t = Tensor::zeros({3, 5});
        first = t.data();
        CHECK(reinterpret_cast<std::uintptr_t>(t.data()) % 64 == 0);
        CHECK(pool_stats().live_buffers == before + 1);
    }
    CHECK(pool_stats().live_buffers == before);
    Tensor again = Tensor::empty({5, 3});
    CHECK(again.data() == first);
}

TEST_CASE("storage of a huge page or more starts on a huge-page boundary, reused within its huge-page size",
          "[tensor]") {
    constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
    const float* first = nullptr;
    {
        Tensor t = Tensor::empty({600'000});  // 2.4 MB: a 4 MiB buffer
        first = t.data();
        CHECK(reinterpret_cast<std::uintptr_t>(t.data()) % huge == 0);
    }
    Tensor same_class = Tensor::empty({1'000'000});  // 4.0 MB: the same 4 MiB
    CHECK(same_class.data() == first);
    Tensor small = Tensor::empty({1000});
    CHECK(reinterpret_cast<std::uintptr_t>(small.data()) % 64 == 0);
}

TEST_CASE("copies share storage, clone copies", "[tensor]") {
    Tensor a = Tensor::from({2, 2}, std::vector<float>{1, 2, 3, 4});
    Tensor b = a;
    Tensor c = a.clone();
    b.at(0) = 10;
    CHECK(a.at(0) == 10);
    CHECK(c.at(0) == 1);
    CHECK_FALSE(a.unique());
    CHECK(c.unique());
}

TEST_CASE("reshape keeps data and rejects a different element count", "[tensor]") {
    Tensor a = Tensor::from({2, 3}, std::vector<float>{0, 1, 2, 3, 4, 5});
    Tensor r = a.reshaped({3, 2});
    CHECK(r.shape() == Shape{3, 2});
    CHECK(r.data() == a.data());
    CHECK_THROWS_AS(a.reshaped({4, 2}), Error);
    CHECK(Shape({2, 3}).str() == "[2, 3]");
}

TEST_CASE("eigen view is zero-copy and row-major", "[tensor]") {
    Tensor a = Tensor::from({2, 3}, std::vector<float>{0, 1, 2, 3, 4, 5});
    auto m = as_matrix(a);
    CHECK(m.rows() == 2);
    CHECK(m.cols() == 3);
    CHECK(m(1, 0) == 3);
    m(0, 2) = 7;
    CHECK(a.at(2) == 7);
}
