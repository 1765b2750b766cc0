#include <catch2/catch.hpp>

#include <mpi.h>

#include <cstring>
#include <random>

#include "framework/core/error.hpp"
#include "framework/distributed/gradient_buckets.hpp"
#include "tests/distributed/test_world.hpp"

using namespace lskd;
using namespace lskd::distributed;

namespace {

std::vector<Tensor*> pointers(std::vector<Tensor>& grads) {
    std::vector<Tensor*> p;
    for (Tensor& g : grads) p.push_back(&g);
    return p;
}

}  // namespace

TEST_CASE("buckets take the gradients last first and close before the cap") {
    // 6, 3, 8 and 5 floats under a cap of 10 floats: [5] [8] [3 6].
    const std::vector<Shape> shapes{{2, 3}, {3}, {4, 2}, {5}};
    const BucketLayout l = plan_buckets(shapes, BucketPlan::uniform(40));
    REQUIRE(l.buckets.size() == 3);
    CHECK(l.buckets[0].begin == 0);
    CHECK(l.buckets[0].count == 5);
    CHECK(l.buckets[0].tensors == std::vector<std::size_t>{3});
    CHECK(l.buckets[1].begin == 5);
    CHECK(l.buckets[1].count == 8);
    CHECK(l.buckets[1].tensors == std::vector<std::size_t>{2});
    CHECK(l.buckets[2].begin == 13);
    CHECK(l.buckets[2].count == 9);
    CHECK(l.buckets[2].tensors == std::vector<std::size_t>{1, 0});
    CHECK(l.offsets == std::vector<std::size_t>{16, 13, 5, 0});
    CHECK(l.total == 22);
}

TEST_CASE("the first bucket closes at the first cap, every later one at the cap") {
    // 2, 5, 3, 8 and 6 floats, the first bucket capped at 7 floats and the others at 12: [2 5] [3 8] [6].
    const std::vector<Shape> shapes{{2, 3}, {4, 2}, {3}, {5}, {2}};
    const BucketLayout l = plan_buckets(shapes, BucketPlan{28, 48});
    REQUIRE(l.buckets.size() == 3);
    CHECK(l.buckets[0].begin == 0);
    CHECK(l.buckets[0].count == 7);
    CHECK(l.buckets[0].tensors == std::vector<std::size_t>{4, 3});
    CHECK(l.buckets[1].begin == 7);
    CHECK(l.buckets[1].count == 11);
    CHECK(l.buckets[1].tensors == std::vector<std::size_t>{2, 1});
    CHECK(l.buckets[2].begin == 18);
    CHECK(l.buckets[2].count == 6);
    CHECK(l.buckets[2].tensors == std::vector<std::size_t>{0});
    CHECK(l.offsets == std::vector<std::size_t>{18, 10, 7, 2, 0});
    CHECK(l.total == 24);
    // Under the cap of 12 floats alone the first bucket takes the 3 floats too: [2 5 3] [8] [6].
    CHECK(plan_buckets(shapes, BucketPlan::uniform(48)).buckets[0].count == 10);
    CHECK_THROWS_AS(plan_buckets(shapes, BucketPlan{2, 48}), Error);
    CHECK_THROWS_AS(plan_buckets(shapes, BucketPlan{48, 3}), Error);
}

TEST_CASE("a gradient larger than the cap gets a bucket of its own, an empty one takes no room") {
    const std::vector<Shape> shapes{{20}, {0}, {2}};
    const BucketLayout l = plan_buckets(shapes, BucketPlan::uniform(40));
    REQUIRE(l.buckets.size() == 2);
    CHECK(l.buckets[0].tensors == std::vector<std::size_t>{2});
    CHECK(l.buckets[1].begin == 2);
    CHECK(l.buckets[1].count == 20);
    CHECK(l.buckets[1].tensors == std::vector<std::size_t>{0});
    CHECK(l.total == 22);
    CHECK_THROWS_AS(plan_buckets(shapes, BucketPlan::uniform(3)), Error);
}

TEST_CASE("mlp-1200's 2.4M gradient values fit in one bucket of the 25 MiB cap") {
    const std::vector<Shape> shapes{{1200, 784}, {1200}, {1200, 1200}, {1200}, {10, 1200}, {10}};
    const BucketLayout l = plan_buckets(shapes, BucketPlan::uniform(GradientBuckets::kDefaultCapBytes));
    CHECK(l.total == 2395210);
    CHECK(l.buckets.size() == 1);
}

TEST_CASE("the default plan gives each of mlp-1200's two large weights a bucket of its own") {
    // Last first: 10 + 12000 + 1200 = 13,210 floats fit the first 256 KiB (65,536 floats); the 1,440,000 of the
    // second weight and the 940,800 of the first exceed the 1 MiB cap (262,144 floats), so each is alone, and the
    // first bias, between them, is alone too.
    const std::vector<Shape> shapes{{1200, 784}, {1200}, {1200, 1200}, {1200}, {10, 1200}, {10}};
    const BucketLayout l = plan_buckets(shapes, GradientBuckets::kDefaultPlan);
    REQUIRE(l.buckets.size() == 4);
    CHECK(l.buckets[0].count == 13210);
    CHECK(l.buckets[0].tensors == std::vector<std::size_t>{5, 4, 3});
    CHECK(l.buckets[1].begin == 13210);
    CHECK(l.buckets[1].tensors == std::vector<std::size_t>{2});
    CHECK(l.buckets[2].begin == 1453210);
    CHECK(l.buckets[2].tensors == std::vector<std::size_t>{1});
    CHECK(l.buckets[3].begin == 1454410);
    CHECK(l.buckets[3].count == 940800);
    CHECK(l.buckets[3].tensors == std::vector<std::size_t>{0});
    CHECK(l.offsets == std::vector<std::size_t>{1454410, 1453210, 13210, 12010, 10, 0});
}

TEST_CASE("on one rank the gradients are already the mean and stay untouched") {
    const World world(Launch{});
    GradientBuckets buckets(world, {{2}, {3}});
    std::vector<Tensor> grads{Tensor::from({2}, std::vector<float>{1.5f, -2}), Tensor()};
    buckets.average(pointers(grads));
    CHECK(grads[0].at(0) == 1.5f);
    CHECK(grads[0].at(1) == -2.0f);
    CHECK_FALSE(grads[1].defined());
    buckets.average(pointers(grads), 8, 8);
    CHECK(grads[0].at(0) == 1.5f);
    CHECK_THROWS_AS(buckets.average(pointers(grads), 4, 8), Error);
    std::vector<Tensor> wrong{Tensor::zeros({3}), Tensor::zeros({3})};
    CHECK_THROWS_AS(buckets.average(pointers(wrong)), Error);
}

TEST_CASE("bucketed allreduce gives the hand-computed average on both ranks", "[mpi][buckets]") {
    const World& world = testing::test_world();
    REQUIRE(world.size() == 2);
    const int r = world.rank();
    const std::vector<Shape> shapes{{2, 3}, {3}, {4, 2}, {5}};
    GradientBuckets buckets(world, shapes, BucketPlan::uniform(40));  // three buckets, as laid out above
    // Rank r holds (r + 1)(t + 1) + i/4 in gradient t; rank 1 has no gradient for parameter 1.
    std::vector<Tensor> grads;
    for (std::size_t t = 0; t < shapes.size(); ++t) {
        Tensor g = Tensor::empty(shapes[t]);
        for (std::int64_t i = 0; i < g.numel(); ++i) g.at(i) = static_cast<float>((r + 1) * (t + 1)) + 0.25f * i;
        grads.push_back(r == 1 && t == 1 ? Tensor() : g);
    }
    buckets.average(pointers(grads));
    for (std::size_t t = 0; t < shapes.size(); ++t) {
        CHECK(grads[t].defined());  // rank 1's missing gradient too; no REQUIRE before the collective below
        for (std::int64_t i = 0; grads[t].defined() && i < grads[t].numel(); ++i) {
            // ((t + 1) + 2(t + 1) + i/2) / 2, and for parameter 1 only rank 0's (2 + i/4) / 2.
            const float expected = t == 1 ? 1.0f + 0.125f * i : 1.5f * (t + 1) + 0.25f * i;
            CHECK(grads[t].at(i) == expected);
        }
    }
    // A second step reuses the buffer and gives the same.
    for (std::size_t t = 0; t < shapes.size(); ++t)
        for (std::int64_t i = 0; grads[t].defined() && i < grads[t].numel(); ++i)
            grads[t].at(i) = static_cast<float>((r + 1) * (t + 1)) + 0.25f * i;
    buckets.average(pointers(grads));
    CHECK(grads[2].at(7) == 1.5f * 3 + 0.25f * 7);
}

TEST_CASE("shards of unequal size weigh in by their examples", "[mpi][buckets]") {
    const World& world = testing::test_world();
    REQUIRE(world.size() == 2);
    // A batch of 4 split 3 + 1: rank 0's mean gradient 2, rank 1's 6; the batch mean is (3·2 + 1·6) / 4 = 3.
    GradientBuckets buckets(world, {{2}});
    std::vector<Tensor> grads{Tensor::full({2}, world.rank() == 0 ? 2.0f : 6.0f)};
    buckets.average(pointers(grads), world.rank() == 0 ? 3 : 1, 4);
    CHECK(grads[0].at(0) == 3.0f);
    CHECK(grads[0].at(1) == 3.0f);
}

TEST_CASE("every rank ends with the same bits, which are the float mean of the two ranks", "[mpi][buckets]") {
    const World& world = testing::test_world();
    REQUIRE(world.size() == 2);
    const std::vector<Shape> shapes{{300, 7}, {7}, {1000}};
    auto values = [&](int rank, std::size_t t) {
        std::mt19937 rng(static_cast<unsigned>(100 * rank + t));
        std::normal_distribution<float> normal(0.0f, 1.0f);
        Tensor g = Tensor::empty(shapes[t]);
        for (float& v : g.values()) v = normal(rng);
        return g;
    };
    GradientBuckets buckets(world, shapes, BucketPlan::uniform(4096));
    std::vector<Tensor> grads;
    for (std::size_t t = 0; t < shapes.size(); ++t) grads.push_back(values(world.rank(), t));
    buckets.average(pointers(grads));
    std::vector<float> mine, all;
    for (const Tensor& g : grads) mine.insert(mine.end(), g.values().begin(), g.values().end());
    all.resize(2 * mine.size());
    MPI_Allgather(mine.data(), static_cast<int>(mine.size()), MPI_FLOAT, all.data(), static_cast<int>(mine.size()),
                  MPI_FLOAT, MPI_COMM_WORLD);
    CHECK(std::memcmp(all.data(), all.data() + mine.size(), mine.size() * sizeof(float)) == 0);
    std::size_t k = 0, wrong = 0;
    for (std::size_t t = 0; t < shapes.size(); ++t) {
        const Tensor a = values(0, t), b = values(1, t);
        for (std::int64_t i = 0; i < a.numel(); ++i, ++k)
            if (mine[k] != (a.at(i) + b.at(i)) / 2.0f) ++wrong;
    }
    CHECK(wrong == 0);
}

TEST_CASE("on one rank an overlapped step leaves the gradients as they are", "[buckets]") {
    const World world(Launch{});
    GradientBuckets buckets(world, {{2}, {3}});
    std::vector<Tensor> grads{Tensor::from({2}, std::vector<float>{1.5f, -2}), Tensor()};
    buckets.gradient_ready(0);  // outside a step: nothing to do
    buckets.begin_step(pointers(grads), 8, 8);
    buckets.gradient_ready(0);
    buckets.finish_step();
    CHECK(grads[0].at(0) == 1.5f);
    CHECK(grads[0].at(1) == -2.0f);
    CHECK_FALSE(grads[1].defined());
    CHECK_THROWS_AS(buckets.begin_step(pointers(grads), 4, 8), Error);
}

TEST_CASE("the overlapped average leaves the blocking one's bits, whatever order the gradients become final in",
          "[mpi][buckets]") {
    const World& world = testing::test_world();
    REQUIRE(world.size() == 2);
    const int r = world.rank();
    // Under a cap of 1024 floats: [50] [50·20] [1000 7] [300·7], the last larger than the cap.
    const std::vector<Shape> shapes{{300, 7}, {7}, {0}, {1000}, {50, 20}, {50}};
    GradientBuckets overlapped(world, shapes, BucketPlan::uniform(4096)),
        blocking(world, shapes, BucketPlan::uniform(4096));
    REQUIRE(overlapped.layout().buckets.size() == 4);
    auto random_grads = [&](unsigned seed) {
        std::mt19937 rng(seed);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        std::vector<Tensor> grads;
        for (const Shape& s : shapes) {
            Tensor g = Tensor::empty(s);
            for (float& v : g.values()) v = normal(rng);
            grads.push_back(g);
        }
        return grads;
    };
    auto same_bits = [](const Tensor& a, const Tensor& b) {
        if (!a.defined() || !b.defined()) return a.defined() == b.defined();  // an empty parameter's
        return a.numel() == b.numel() &&
               std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.numel()) * sizeof(float)) == 0;
    };
    struct Case {
        std::int64_t local, global;
        std::vector<std::size_t> ready;  // the order this rank's gradients become final in; the rest never do
    };
    // Rank 0 leaves parameter 1 unused; rank 1 finishes the first bucket last. Then rank 1 has an empty shard
    // and no backward at all.
    const std::vector<Case> cases = r == 0 ? std::vector<Case>{{3, 4, {5, 4, 3, 2, 0}}, {3, 3, {0, 1, 2, 3, 4, 5}}}
                                           : std::vector<Case>{{1, 4, {0, 1, 2, 3, 4, 5}}, {0, 3, {}}};
    for (std::size_t c = 0; c < cases.size(); ++c) {
        std::vector<Tensor> grads = random_grads(static_cast<unsigned>(10 * r + c)), expected;
        if (r == 0 && c == 0) grads[1] = Tensor();
        if (cases[c].local == 0) grads.assign(shapes.size(), Tensor());
        for (const Tensor& g : grads) expected.push_back(g.defined() ? g.clone() : Tensor());
        blocking.average(pointers(expected), cases[c].local, cases[c].global);
        auto grad_pointers = pointers(grads);
        overlapped.begin_step(grad_pointers, cases[c].local, cases[c].global);
        for (std::size_t t : cases[c].ready) overlapped.gradient_ready(t);
        overlapped.finish_step();
        for (std::size_t t = 0; t < shapes.size(); ++t) {
            INFO("case " << c << ", parameter " << t);
            CHECK(same_bits(grads[t], expected[t]));
        }
    }
    std::vector<Tensor> grads = random_grads(7);
    auto grad_pointers = pointers(grads);
    overlapped.begin_step(grad_pointers, 1, 2);
    overlapped.gradient_ready(5);
    CHECK_THROWS_AS(overlapped.gradient_ready(5), Error);
    overlapped.finish_step();
}

TEST_CASE("an overlapped step in buckets of their own leaves the bits of one blocking sum of them all",
          "[mpi][buckets]") {
    const World& world = testing::test_world();
    REQUIRE(world.size() == 2);
    // A first cap of 16 floats and a cap of 1024: [16] [50·20] [1000] [300·7]; blocking: one bucket of 4116.
    const std::vector<Shape> shapes{{300, 7}, {1000}, {50, 20}, {16}};
    GradientBuckets overlapped(world, shapes, BucketPlan{64, 4096});
    GradientBuckets blocking(world, shapes, BucketPlan::uniform(GradientBuckets::kDefaultCapBytes));
    REQUIRE(overlapped.layout().buckets.size() == 4);
    REQUIRE(blocking.layout().buckets.size() == 1);
    std::mt19937 rng(static_cast<unsigned>(20 + world.rank()));
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<Tensor> grads, expected;
    for (const Shape& s : shapes) {
        grads.push_back(Tensor::empty(s));
        for (float& v : grads.back().values()) v = normal(rng);
        expected.push_back(grads.back().clone());
    }
    // On rank 0 two gradients share storage (as an op's backward may hand one tensor to two inputs): the one that
    // becomes final first must not be scaled where it is, under the other.
    if (world.rank() == 0) {
        grads[2] = grads[1].reshaped(shapes[2]);
        expected[2] = grads[2].clone();
    }
    // Shards of 5 and 3 examples, so the weights 5/8 and 3/8 round as they would in a run.
    const std::int64_t local = world.rank() == 0 ? 5 : 3;
    blocking.average(pointers(expected), local, 8);
    auto grad_pointers = pointers(grads);
    overlapped.begin_step(grad_pointers, local, 8);
    for (std::size_t t = shapes.size(); t-- > 0;) overlapped.gradient_ready(t);
    overlapped.finish_step();
    for (std::size_t t = 0; t < shapes.size(); ++t) {
        INFO("parameter " << t);
        CHECK(std::memcmp(grads[t].data(), expected[t].data(),
                          static_cast<std::size_t>(grads[t].numel()) * sizeof(float)) == 0);
    }
}
