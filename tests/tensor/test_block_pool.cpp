#include <catch2/catch.hpp>

#include <cstring>
#include <thread>

#include "framework/tensor/block_pool.hpp"

using namespace lskd;

TEST_CASE("a freed block is handed out again to the next request of its size class on the thread",
          "[tensor][block_pool]") {
    void* a = pooled_allocate(100);
    pooled_free(a, 100);
    void* b = pooled_allocate(110);  // the class of 97 to 128 bytes, as 100
    CHECK(b == a);
    void* c = pooled_allocate(200);  // another class: not the block b holds
    CHECK(c != b);
    std::memset(c, 1, 200);
    pooled_free(b, 110);
    pooled_free(c, 200);
}

TEST_CASE("blocks larger than the size classes come from the heap and go back to it", "[tensor][block_pool]") {
    void* big = pooled_allocate(4096);
    std::memset(big, 2, 4096);
    pooled_free(big, 4096);
    pooled_free(nullptr, 16);
}

TEST_CASE("make_pooled objects are built and destroyed as by make_shared, their blocks recycled",
          "[tensor][block_pool]") {
    struct Counted {
        int* destroyed;
        explicit Counted(int* d) : destroyed(d) {}
        ~Counted() { ++*destroyed; }
    };
    int destroyed = 0;
    std::shared_ptr<Counted> first = make_pooled<Counted>(&destroyed);
    const Counted* address = first.get();
    std::weak_ptr<Counted> watch = first;
    first.reset();
    CHECK(destroyed == 1);
    CHECK(watch.expired());
    watch.reset();  // the block holds the control block too, which the weak reference kept
    std::shared_ptr<Counted> second = make_pooled<Counted>(&destroyed);
    CHECK(second.get() == address);
}

TEST_CASE("a block allocated on one thread may be freed on another and reused there", "[tensor][block_pool]") {
    void* block = nullptr;
    std::thread([&] { block = pooled_allocate(64); }).join();
    std::memset(block, 3, 64);
    pooled_free(block, 64);
    void* again = pooled_allocate(64);
    CHECK(again == block);
    pooled_free(again, 64);
}
