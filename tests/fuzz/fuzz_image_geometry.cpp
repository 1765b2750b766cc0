// libFuzzer harness of the image geometry that decoded files and configs feed: image sizes, crop scale and ratio
// ranges, resize boxes and output sizes; every input must end in a view or lskd::Error, never a crash, an
// out-of-bounds read or undefined behaviour (a huge or NaN side converted to an integer).
#include <cstdint>
#include <cstring>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/data/image_resample.hpp"
#include "framework/data/image_transforms.hpp"

namespace {

template <typename T>
T take(const std::uint8_t*& data, std::size_t& size) {
    T value{};
    const std::size_t n = size < sizeof(T) ? size : sizeof(T);
    std::memcpy(&value, data, n);
    data += n;
    size -= n;
    return value;
}

}  // namespace

// Layout: u8 width, u8 height, u8 output width, u8 output height, 4 float box, 4 double crop ranges, u8 seed.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace lskd::data;
    const std::int64_t w = take<std::uint8_t>(data, size) % 96, h = take<std::uint8_t>(data, size) % 96;
    const std::int64_t ow = take<std::uint8_t>(data, size) % 96, oh = take<std::uint8_t>(data, size) % 96;
    ResampleBox box;
    for (float* f : {&box.left, &box.top, &box.right, &box.bottom}) *f = take<float>(data, size);
    ResizedCropSpec crop;
    for (double* d : {&crop.scale_lo, &crop.scale_hi, &crop.ratio_lo, &crop.ratio_hi}) *d = take<double>(data, size);
    const std::uint8_t seed = take<std::uint8_t>(data, size);
    RgbImage image{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w * h * 3))};
    for (std::size_t i = 0; i < image.pixels.size(); ++i) image.pixels[i] = static_cast<std::uint8_t>(i * 37 + seed);
    TransformScratch scratch;
    try {
        (void)resize_bilinear(image.view(), box, {ow, oh});
    } catch (const lskd::Error&) {
    }
    try {
        const TrainTransform train({ow, crop, true}, imagenet_normalization());
        std::vector<float> out(train.output_floats());
        SeededDraws draws(seed, 0, 0);
        train.apply(image.view(), draws, scratch, out.data());
    } catch (const lskd::Error&) {
    }
    try {
        const EvalTransform eval({oh, ow}, imagenet_normalization());
        std::vector<float> out(eval.output_floats());
        eval.apply(image.view(), scratch, out.data());
    } catch (const lskd::Error&) {
    }
    return 0;
}
