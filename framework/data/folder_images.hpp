// Decodes the images of an image folder once, in parallel, into a u8 ImageSet of S×S RGB images through torchvision's
// eval preset without normalisation (Resize(short side R) + CenterCrop(S)): the pre-resized cache of an in-memory
// folder data set. Each image's pixels depend only on its file, never on thread timing.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "framework/data/image_folder.hpp"
#include "framework/data/image_set.hpp"
#include "framework/data/image_transforms.hpp"

namespace lskd::data {

struct FolderImageSpec {
    std::int64_t size = 32;   // S, the side of the stored square images
    std::int64_t resize = 0;  // R, the short side before the centre crop; 0: S
    bool skip_bad_images = false;

    EvalTransformSpec transform() const { return {resize == 0 ? size : resize, size}; }
};

struct FolderImages {
    ImageSet images;  // the decodable entries in listing order; original_index as the entries'
    // The decoder's message of every entry that failed, in listing order; non-empty only with skip_bad_images.
    std::vector<std::string> bad;
};

// Every entry of `entries` below `root`, decoded at full size (as PIL does) and resized. A bad image is the decoder's
// Error naming the file, unless spec.skip_bad_images; then it is left out and its message kept.
FolderImages decode_folder_images(const std::filesystem::path& root, const FolderEntries& entries,
                                  const FolderImageSpec& spec);

// The Error that a bad image is without skip_bad_images: the first message, and how many more there are.
[[noreturn]] void fail_bad_images(const std::vector<std::string>& bad);

}  // namespace lskd::data
