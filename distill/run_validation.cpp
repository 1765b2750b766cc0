#include "distill/run_validation.hpp"

#include <algorithm>

#include "distill/mi_probe.hpp"
#include "framework/core/error.hpp"
#include "models/model_registry.hpp"

namespace lskd::distill {
namespace {

void require_every_class(const data::Dataset& dataset, data::SplitName which, const char* split, const char* key) {
    const data::ImageSplit set = data::image_split(dataset, which);
    const auto counts = data::class_counts(set.labels(), dataset.num_classes);
    for (std::size_t c = 0; c < counts.size(); ++c)
        if (counts[c] == 0)
            fail("{} ({}): the {} split ({} examples) has no example of class '{}' ({} of {}); its records and "
                 "per-class results need every class (raise {} or give a file with every class)",
                 dataset.name, dataset.dir.string(), split, set.size(), dataset.class_names.at(c), c,
                 dataset.num_classes, key);
}

}  // namespace

void validate_before_training(const RunConfig& config, const data::Dataset& dataset, bool teacher) {
    validate(config, teacher);
    require_every_class(dataset, data::SplitName::train, "training", "max-train");
    require_every_class(dataset, data::SplitName::test, "test", "max-test");
    // A shift beyond half the side can move the whole object out of view: a run of blank images, not an error.
    const std::int64_t side = std::min(dataset.train.height, dataset.train.width);
    if (config.shift > side / 2)
        fail("shift must be at most half the image side ({} pixels for {}x{} images of {}), got {}", side / 2,
             dataset.train.height, dataset.train.width, dataset.name, config.shift);
    const std::size_t train = data::image_split(dataset, data::SplitName::train).size();
    if (config.batch > static_cast<std::int64_t>(train))
        fail("batch {} is larger than the {} examples of the training split", config.batch, train);
    if (config.image_stream != dataset.streamed.has_value())
        fail("image-stream is {}, but the data set was loaded {}", config.image_stream,
             dataset.streamed ? "streamed" : "in memory");
    check_mi_settings(config, dataset);
    models::check_model_fits(config.model, {dataset.train.height, dataset.train.width, dataset.train.channels},
                             dataset.num_classes, {config.hidden, config.dropout});
}

}  // namespace lskd::distill
