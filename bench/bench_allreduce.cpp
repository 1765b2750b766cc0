// The cost of data-parallel gradient averaging on this machine, for docs/scale.md: MPI_Allreduce (SUM, in place)
// of several sizes, beside MPI_Iallreduce and its wait (the overlapped step's sum), and GradientBuckets::average over
// mlp-1200's gradients (packing and unpacking included). Run by hand under an MPI launcher:  mpirun -n 2
// build/bench/bench_allreduce [repetitions]
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include "framework/distributed/gradient_buckets.hpp"

using namespace lskd;
using namespace lskd::distributed;

namespace {

// Seconds per call: the slowest rank's mean over `reps` calls after warm-up, since a step waits for the slowest.
template <typename F>
double seconds_per_call(int reps, F&& call) {
    for (int i = 0; i < 3; ++i) call();
    MPI_Barrier(MPI_COMM_WORLD);
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < reps; ++i) call();
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / reps;
    MPI_Allreduce(MPI_IN_PLACE, &s, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    World world(detect_launch());
    if (!world.launched()) {
        fmt::print(stderr, "bench_allreduce: run it under an MPI launcher, e.g. mpirun -n 2 {}\n", argv[0]);
        return 2;
    }
    const int reps = argc > 1 ? std::max(1, std::atoi(argv[1])) : 50;
    if (world.root())
        fmt::print("{} ranks, {} calls each; MPI_Iallreduce scheduled by {}\n{:>12} {:>12} {:>12} {:>22}\n",
                   world.size(), reps, world.iallreduce_schedule().describe(), "floats", "ms/call", "GB/s algbw",
                   "Iallreduce+Wait ms");
    for (int n : {1, 1024, 65536, 262144, 1 << 20, 1440000, 2395210}) {
        std::vector<float> buffer(static_cast<std::size_t>(n), 1.0f);
        const double s = seconds_per_call(
            reps, [&] { MPI_Allreduce(MPI_IN_PLACE, buffer.data(), n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD); });
        const double started = seconds_per_call(reps, [&] {
            MPI_Request request = MPI_REQUEST_NULL;
            MPI_Iallreduce(MPI_IN_PLACE, buffer.data(), n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &request);
            MPI_Wait(&request, MPI_STATUS_IGNORE);
        });
        if (world.root())
            fmt::print("{:>12} {:>12.4f} {:>12.2f} {:>22.4f}\n", n, s * 1e3, 4.0 * n / s / 1e9, started * 1e3);
    }
    // mlp-1200 on 28x28x1 inputs and 10 classes: linear weights [out, in] and biases, in parameter order.
    const std::vector<Shape> shapes{{1200, 784}, {1200}, {1200, 1200}, {1200}, {10, 1200}, {10}};
    GradientBuckets buckets(world, shapes, BucketPlan::uniform(GradientBuckets::kDefaultCapBytes));
    std::vector<Tensor> grads;
    std::vector<Tensor*> pointers;
    for (const Shape& s : shapes) grads.push_back(Tensor::full(s, 0.5f));
    for (Tensor& g : grads) pointers.push_back(&g);
    const double s = seconds_per_call(reps, [&] { buckets.average(pointers); });
    if (world.root())
        fmt::print("GradientBuckets::average, mlp-1200 ({} floats in {} bucket(s)): {:.4f} ms/call\n",
                   buckets.layout().total, buckets.layout().buckets.size(), s * 1e3);
    return world.finish(0);
}
