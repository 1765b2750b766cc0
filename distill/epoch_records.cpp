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

std::vector<std::size_t> record_positions(const data::ImageSet& set, int num_classes, std::int64_t per_class) {
    const auto counts = data::class_counts(set.labels, num_classes);
    std::size_t k = static_cast<std::size_t>(per_class);
    for (std::size_t c : counts) k = std::min(k, c);
    if (k == 0) return {};
    return data::stratified_subset(set.labels, num_classes, k, kDataSeed);
}

EpochRecords::EpochRecords(const data::Dataset& dataset, std::int64_t per_class)
    : dataset_(dataset),
      train_(data::take(dataset.train, record_positions(dataset.train, dataset.num_classes, per_class))),
      val_(data::take(dataset.val, record_positions(dataset.val, dataset.num_classes, per_class))),
      test_(data::take(dataset.test, record_positions(dataset.test, dataset.num_classes, per_class))) {}

const data::ImageSet& EpochRecords::subset(const char* split) const {
    const std::string_view s(split);
    if (s == "train") return train_;
    if (s == "val") return val_;
    if (s == "test") return test_;
    fail("no records of a split '{}'", s);
}

void EpochRecords::write(const RunDirectory& run, models::Classifier& model, std::int64_t epochs_done,
                         io::BackgroundCommits* commits) const {
    for (const char* split : {"train", "val", "test"}) {
        const data::ImageSet& set = subset(split);
        if (set.size() == 0) continue;
        write_split_outputs(run.record(split, epochs_done), split, epochs_done,
                            run_model(model, set, dataset_.normalization, kEvalBatch, true), commits);
    }
}

}  // namespace lskd::distill
