#include "distill/epoch_records.hpp"

#include <algorithm>
#include <string_view>

#include "distill/evaluation.hpp"
#include "distill/split_outputs_file.hpp"
#include "framework/core/error.hpp"
#include "framework/data/subset.hpp"

namespace lskd::distill {

bool is_record_epoch(std::int64_t record_every, std::int64_t epochs_done, bool last) {
    return last || (record_every > 0 && epochs_done % record_every == 0);
}

std::vector<std::size_t> record_positions(std::span<const std::int32_t> labels, int num_classes,
                                          std::int64_t per_class) {
    const auto counts = data::class_counts(labels, num_classes);
    std::size_t k = static_cast<std::size_t>(per_class);
    for (std::size_t c : counts) k = std::min(k, c);
    if (k == 0) return {};
    return data::stratified_subset(labels, num_classes, k, kDataSeed);
}

namespace {

data::ImageSplit recorded(const data::Dataset& dataset, data::SplitName which, std::int64_t per_class) {
    const data::ImageSplit split = data::image_split(dataset, which);
    return split.take(record_positions(split.labels(), dataset.num_classes, per_class));
}

}  // namespace

EpochRecords::EpochRecords(const data::Dataset& dataset, std::int64_t per_class)
    : dataset_(dataset),
      train_(recorded(dataset, data::SplitName::train, per_class)),
      val_(recorded(dataset, data::SplitName::val, per_class)),
      test_(recorded(dataset, data::SplitName::test, per_class)) {}

const data::ImageSplit& EpochRecords::subset(const char* split) const {
    const std::string_view s(split);
    if (s == "train") return train_;
    if (s == "val") return val_;
    if (s == "test") return test_;
    fail("no records of a split '{}'", s);
}

void EpochRecords::write(const RunDirectory& run, models::Classifier& model, std::int64_t epochs_done,
                         io::BackgroundCommits* commits) const {
    for (const char* split : {"train", "val", "test"}) {
        const data::ImageSplit& set = subset(split);
        if (set.size() == 0) continue;
        write_split_outputs(run.record(split, epochs_done), split, epochs_done,
                            run_model(model, set, dataset_.normalization, kEvalBatch, true), commits);
    }
}

}  // namespace lskd::distill
