// A run file of an earlier lskd (lskd-run/2), written in that layout with H5File: the checkpoint of a real run at
// the root and in its groups, with records, final test outputs and an analysis of known values beside them.
#pragma once
#include <string>

#include "distill/checkpoint.hpp"
#include "distill/evaluation.hpp"
#include "framework/io/h5_file.hpp"
#include "tests/distill/run_fixture.hpp"

namespace lskd::testing {

// The known values the legacy file holds besides the checkpoint: record/output rows of 4 examples of 10 classes.
inline distill::SplitOutputs legacy_outputs(float base, bool penultimate) {
    distill::SplitOutputs o;
    o.logits = Tensor::empty({4, 10});
    for (std::int64_t i = 0; i < o.logits.numel(); ++i) o.logits.data()[i] = base + 0.25f * static_cast<float>(i);
    if (penultimate) {
        o.penultimate = Tensor::empty({4, 3});
        for (std::int64_t i = 0; i < 12; ++i) o.penultimate.data()[i] = base - static_cast<float>(i);
    }
    o.labels = {0, 3, 9, 3};
    o.indices = {7, 11, 2, 40};
    return o;
}

inline void write_legacy_outputs(io::H5File& f, const std::string& group, const distill::SplitOutputs& o) {
    if (o.penultimate.defined()) f.write(group + "/penultimate", o.penultimate);
    f.write(group + "/logits", o.logits, io::Storage::uncompressed);
    f.write(group + "/labels", o.labels);
    f.write(group + "/indices", o.indices);
}

// Writes `path` from the checkpoint of the run directory `run` (two epochs), in the lskd-run/2 layout: records of
// train at epochs 1 and 2 and of test at epoch 2, /outputs/test, and /analysis/calibration.
inline void write_legacy_run(const std::string& path, const std::string& run) {
    const io::H5File checkpoint = io::H5File::open_read(distill::RunDirectory(run).checkpoint());
    io::H5File f = io::H5File::create(path);
    f.copy_attrs_from(checkpoint, "/", "/");
    f.set_attr("/", "format", std::string("lskd-run/2"));
    for (const std::string& group : checkpoint.children("/")) f.copy_from(checkpoint, "/" + group);
    write_legacy_outputs(f, "/records/train/epoch_1", legacy_outputs(1, true));
    write_legacy_outputs(f, "/records/train/epoch_2", legacy_outputs(2, true));
    write_legacy_outputs(f, "/records/test/epoch_2", legacy_outputs(3, true));
    write_legacy_outputs(f, "/outputs/test", legacy_outputs(4, false));
    f.create_group("/analysis");
    f.create_group("/analysis/calibration");
    f.set_attr("/analysis/calibration", "temperature", 1.5);
    f.set_attr("/analysis/calibration", "split", std::string("val"));
    f.write("/analysis/calibration/bins/confidence", std::vector<double>{0.1, 0.5, 0.9});
    f.close();
}

}  // namespace lskd::testing
