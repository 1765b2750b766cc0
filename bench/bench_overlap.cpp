// A data-parallel training step before and after the overlap, for docs/scale.md: before, the gradient average
// after backward (GradientBuckets::average in buckets of the 25 MiB cap); after, the trainer's step, the average
// overlapped with backward (begin_step / gradient hooks / finish_step) in buckets of the default plan, or of the
// plan given; and between them the same step without the hooks, every sum started after backward, which tells
// the overlap's share of the change from that of the sums themselves. The modes take turns in rounds of steps
// inside one process, so the drift of a busy machine hits all alike; it prints each round, the median step time
// per mode (the slowest rank's, since a step waits for it) and the median of the rounds' paired changes.
// Run by hand under an MPI launcher, one thread per rank:
//   mpirun -n 2 build/bench/bench_overlap MODEL HxWxC [batch=128] [rounds=5] [steps=5] [first_bytes cap_bytes]
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "distill/targets.hpp"
#include "framework/core/random.hpp"
#include "framework/distributed/gradient_buckets.hpp"
#include "framework/ops/ops.hpp"
#include "framework/optim/sgd.hpp"
#include "framework/runtime/threads.hpp"
#include "models/model_registry.hpp"

using namespace lskd;
using namespace lskd::distributed;

namespace {

double median(std::vector<double> xs) {
    std::sort(xs.begin(), xs.end());
    const std::size_t n = xs.size();
    return n % 2 == 1 ? xs[n / 2] : 0.5 * (xs[n / 2 - 1] + xs[n / 2]);
}

// The median of the rounds' changes of `a` against `b` in the same round: the paired figure, which the machine's
// drift between rounds moves less than the ratio of the two medians.
void print_paired(const char* what, const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<double> changes;
    for (std::size_t r = 0; r < a.size(); ++r) changes.push_back(a[r] / b[r] - 1);
    const auto faster = std::count_if(changes.begin(), changes.end(), [](double c) { return c < 0; });
    fmt::print("{}: median of the rounds' changes {:+.1f} %, faster in {} of {} rounds\n", what, 100 * median(changes),
               faster, changes.size());
}

}  // namespace

int main(int argc, char** argv) {
    World world(detect_launch());
    if (!world.launched() || argc < 3) {
        fmt::print(stderr, "usage: mpirun -n 2 {} MODEL HxWxC [batch] [rounds] [steps] [first_bytes cap_bytes]\n",
                   argv[0]);
        return 2;
    }
    const std::string model_name = argv[1];
    models::InputShape shape;
    if (std::sscanf(argv[2], "%ldx%ldx%ld", &shape.height, &shape.width, &shape.channels) != 3) {
        fmt::print(stderr, "{}: '{}' is not HxWxC\n", argv[0], argv[2]);
        return 2;
    }
    const std::int64_t batch = argc > 3 ? std::atol(argv[3]) : 128;
    const int rounds = argc > 4 ? std::atoi(argv[4]) : 5;
    const int steps = argc > 5 ? std::atoi(argv[5]) : 5;
    const BucketPlan plan = argc > 7
                                ? BucketPlan{std::strtoull(argv[6], nullptr, 10), std::strtoull(argv[7], nullptr, 10)}
                                : GradientBuckets::kDefaultPlan;
    const std::int64_t classes = 10, n = batch / world.size();

    runtime::init_threads(1);
    auto model = models::make_model(model_name, shape, classes, 1);
    optim::SgdOptions o;
    o.lr = 0.01;
    o.momentum = 0.9;
    optim::SGD sgd(model->named_parameters(), o);
    std::vector<Variable> params = model->parameters();
    std::vector<Shape> shapes;
    std::vector<Tensor*> grads;
    for (Variable& p : params) {
        shapes.push_back(p.shape());
        grads.push_back(&p.grad());
    }
    GradientBuckets before(world, shapes, BucketPlan::uniform(GradientBuckets::kDefaultCapBytes));
    GradientBuckets after(world, shapes, plan);

    Rng rng(3 + static_cast<std::uint64_t>(world.rank()));
    Tensor images = Tensor::empty({n, shape.height, shape.width, shape.channels});
    for (auto& v : images.values()) v = rng.normal();
    std::vector<std::int32_t> labels(static_cast<std::size_t>(n));
    for (auto& l : labels) l = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(classes)));
    Tensor targets = Tensor::empty({n, classes});
    distill::smoothed_targets(labels, 0.0, targets);
    const Variable x(images);

    // before: the blocking average; unhooked: the overlapped step's buckets and sums in place, all started after
    // backward (no hook runs); overlapped: the same, each bucket started by the hooks as soon as it is final.
    enum Mode { before_mode, unhooked_mode, overlapped_mode };
    auto step = [&](Mode mode) {
        if (mode != before_mode) after.begin_step(grads, n, batch);
        ops::soft_target_cross_entropy(model->forward(x), targets).backward();
        if (mode != before_mode)
            after.finish_step();
        else
            before.average(grads, n, batch);
        sgd.step();
        model->zero_grad();
    };
    // Seconds per step of a round, the slowest rank's.
    auto round = [&](Mode mode) {
        for (std::size_t i = 0; i < params.size(); ++i)
            params[i].set_grad_final_hook(mode == overlapped_mode
                                              ? std::function<void()>([&after, i] { after.gradient_ready(i); })
                                              : std::function<void()>());
        step(mode);  // warm-up
        MPI_Barrier(MPI_COMM_WORLD);
        const auto t0 = std::chrono::steady_clock::now();
        for (int s = 0; s < steps; ++s) step(mode);
        double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / steps;
        MPI_Allreduce(MPI_IN_PLACE, &sec, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
        return sec;
    };

    auto floats = [](const BucketLayout& l) {
        std::vector<std::size_t> counts;
        for (const Bucket& b : l.buckets) counts.push_back(b.count);
        return fmt::format("{}", fmt::join(counts, " + "));
    };
    if (world.root())
        fmt::print("{} on {} ranks x {} examples, 1 thread each: {} gradient floats; blocking in {} bucket(s) ({}), "
                   "overlapped in {} ({}; first cap {} bytes, then {}), non-blocking sums scheduled by {}\n",
                   model_name, world.size(), n, before.layout().total, before.layout().buckets.size(),
                   floats(before.layout()), after.layout().buckets.size(), floats(after.layout()), plan.first_bytes,
                   plan.cap_bytes, world.iallreduce_schedule().describe());
    std::vector<double> times[3];
    for (int r = 0; r < rounds; ++r) {
        // Rotate which mode goes first, so that none always follows another.
        for (int k = 0; k < 3; ++k) {
            const auto mode = static_cast<Mode>((r + k) % 3);
            times[mode].push_back(round(mode));
        }
        if (world.root())
            fmt::print("round {}: blocking {:.2f} ms, in place after backward {:.2f} ms, overlapped {:.2f} ms\n", r + 1,
                       times[before_mode].back() * 1e3, times[unhooked_mode].back() * 1e3,
                       times[overlapped_mode].back() * 1e3);
    }
    if (world.root()) {
        fmt::print("median step: blocking {:.2f} ms, in place after backward {:.2f} ms, overlapped {:.2f} ms\n",
                   median(times[before_mode]) * 1e3, median(times[unhooked_mode]) * 1e3,
                   median(times[overlapped_mode]) * 1e3);
        print_paired("overlapped against blocking", times[overlapped_mode], times[before_mode]);
        print_paired("in place after backward against blocking", times[unhooked_mode], times[before_mode]);
        print_paired("overlapped against in place after backward", times[overlapped_mode], times[unhooked_mode]);
    }
    return world.finish(0);
}
