// The activation records of a run (docs/run-file.md): after every record-every epochs and after the last, the
// penultimate activations and logits of a fixed, stratified subset of each split, one file per split and epoch,
// written once. A streamed image folder's subsets stay in their files and are decoded as they are recorded.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "distill/run_config.hpp"
#include "distill/run_directory.hpp"
#include "framework/data/dataset.hpp"
#include "framework/io/background_commits.hpp"
#include "models/classifier.hpp"

namespace lskd::distill {

// The data seed of a run without data-seed: every such run sees the same validation split and subsets, whatever
// its seed. The recorded examples always follow it, so they are the same positions of each run's split.
inline constexpr std::uint64_t kDataSeed = 0;
// The seed that draws a run's validation split and subsets: its data-seed, or kDataSeed when that is -1.
inline std::uint64_t run_data_seed(const RunConfig& c) {
    return c.data_seed < 0 ? kDataSeed : static_cast<std::uint64_t>(c.data_seed);
}

// Whether the epochs_done-th epoch (1-based) of a run keeps records: every record_every (0: none) and the last.
bool is_record_epoch(std::int64_t record_every, std::int64_t epochs_done, bool last);

// Positions of a stratified subset of a split of `labels`: per_class examples of each class, or as many as the rarest
// class has.
std::vector<std::size_t> record_positions(std::span<const std::int32_t> labels, int num_classes,
                                          std::int64_t per_class);

class EpochRecords {
public:
    // The subsets of the data set's train, validation and test splits. Keeps a reference to the data set.
    EpochRecords(const data::Dataset& dataset, std::int64_t per_class);

    // records/<split>_epoch_<epochs_done>.h5 for every split with recorded examples, from the model in evaluation
    // mode; with `commits`, their moves into place finish in the background.
    void write(const RunDirectory& run, models::Classifier& model, std::int64_t epochs_done,
               io::BackgroundCommits* commits = nullptr) const;

    const data::ImageSplit& subset(const char* split) const;

private:
    const data::Dataset& dataset_;
    data::ImageSplit train_, val_, test_;  // val: empty without a validation split
};

}  // namespace lskd::distill
