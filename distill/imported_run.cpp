#include "distill/imported_run.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "distill/checkpoint.hpp"
#include "distill/epoch_records.hpp"
#include "distill/evaluation.hpp"
#include "distill/split_outputs_file.hpp"
#include "framework/core/error.hpp"

namespace lskd::distill {
namespace {

// At most this many keys per list in a message: a state dict of another architecture misses hundreds.
constexpr std::size_t kListed = 12;

std::string listed(const std::vector<std::string>& keys) {
    if (keys.size() <= kListed) return fmt::format("{}", fmt::join(keys, ", "));
    return fmt::format("{}, ... ({} in all)", fmt::join(keys.begin(), keys.begin() + kListed, ", "), keys.size());
}

// Every difference between the model's keys and shapes and the state's, or nothing.
std::vector<std::string> differences(const nn::StateDict& expected, const nn::StateDict& state) {
    std::vector<std::string> missing, unexpected, shapes, out;
    for (const auto& [name, tensor] : expected) {
        const auto it = state.find(name);
        if (it == state.end())
            missing.push_back(name);
        else if (!(it->second.shape() == tensor.shape()))
            shapes.push_back(
                fmt::format("{} is {}, the model's is {}", name, it->second.shape().str(), tensor.shape().str()));
    }
    for (const auto& [name, tensor] : state)
        if (!expected.count(name)) unexpected.push_back(name);
    if (!missing.empty()) out.push_back(fmt::format("missing keys: {}", listed(missing)));
    if (!unexpected.empty()) out.push_back(fmt::format("unexpected keys: {}", listed(unexpected)));
    if (!shapes.empty()) out.push_back(fmt::format("wrong shapes: {}", listed(shapes)));
    return out;
}

}  // namespace

std::shared_ptr<models::Classifier> build_imported_model(const ImportedModel& m, const nn::StateDict& state) {
    const auto k = static_cast<std::int64_t>(m.class_names.size());
    auto model = models::make_model(m.model, m.input, k, 1);
    const std::vector<std::string> problems = differences(model->state_view(), state);
    if (!problems.empty())
        fail("{}: not a state_dict of lskd's {} with {} classes on {} inputs: {}", m.source, m.model, k, m.input.str(),
             fmt::join(problems, "; "));
    model->load_state(state);
    return model;
}

void write_imported_run(const RunDirectory& run, const ImportedModel& m, const models::Classifier& model) {
    RunContents contents;
    contents.config.model = m.model;
    contents.config.dataset = m.dataset;
    contents.config.data_dir = m.data_dir;
    contents.config.val_size = m.val_size;
    if (m.dataset == "folder") {
        contents.config.image_size = m.input.height;
        contents.config.image_resize = m.image_resize;
    }
    contents.config.epochs = 0;  // nothing was trained here, so the run is complete as it stands
    contents.num_classes = static_cast<std::int64_t>(m.class_names.size());
    contents.class_names = m.class_names;
    contents.input = m.input;
    contents.normalization = m.normalization;
    contents.complete = true;
    contents.imported_from = m.source;
    contents.params = model.state_view();
    contents.counters = model.named_counters();
    write_checkpoint(run, contents, head_templates(model));
}

void write_imported_outputs(const RunDirectory& run, const RunHeader& header, models::Classifier& model,
                            const data::Dataset& dataset) {
    if (header.imported_from.empty())
        fail("{}: a run lskd trained already holds its outputs and records; only an imported run takes them from "
             "lskd eval",
             run.dir());
    const data::ImageSplit val = data::image_split(dataset, data::SplitName::val);
    if (val.size() == 0) fail("{}: the data set has no validation split to fit temperature scaling on", run.dir());
    // The records normalise with the data set's statistics: the model must see its own training's.
    LSKD_CHECK(dataset.normalization.mean == header.normalization.mean &&
                   dataset.normalization.std == header.normalization.std,
               "{}: the data set is not normalised as the run", run.dir());
    write_split_outputs(run.outputs("val"), "val", 0, run_model(model, val, header.normalization, kEvalBatch, false));
    write_split_outputs(
        run.outputs("test"), "test", 0,
        run_model(model, data::image_split(dataset, data::SplitName::test), header.normalization, kEvalBatch, false));
    EpochRecords(dataset, header.config.record_per_class).write(run, model, 0);
}

}  // namespace lskd::distill
