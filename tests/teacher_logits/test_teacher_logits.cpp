// Teacher logits from a file: looked up by original index in the batch's order, γ and the teacher's test accuracy
// as worked out by hand, and every malformed file rejected with a message naming it and the fault.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>

#include <hdf5.h>

#include <catch2/catch.hpp>

#include "distill/teacher_logits.hpp"
#include "framework/core/error.hpp"
#include "framework/io/h5_file.hpp"
#include "tests/io/special_files.hpp"
#include "tests/test_dir.hpp"

using namespace lskd;
namespace fs = std::filesystem;

namespace {

std::string temp_file(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / lskd::testing::process_test_dir();
    fs::create_directories(dir);
    fs::remove(dir / name);
    return (dir / name).string();
}

data::ImageSet images(std::vector<std::int32_t> labels, std::vector<std::int64_t> original) {
    data::ImageSet s;
    s.height = s.width = s.channels = 1;
    s.pixels.assign(labels.size(), 0);
    s.labels = std::move(labels);
    s.original_index = std::move(original);
    return s;
}

// Two classes; the training split holds file examples 3 and 0 (label 0 and 1), validation 1 and 2, test 0 and 1.
data::Dataset two_class_dataset() {
    data::Dataset d;
    d.name = "idx";
    d.num_classes = 2;
    d.train = images({0, 1}, {3, 0});
    d.val = images({1, 0}, {1, 2});
    d.test = images({1, 0}, {0, 1});
    return d;
}

distill::RunConfig student() {
    distill::RunConfig c;
    c.dataset = "idx";
    c.temperature = 1.0;
    return c;
}

struct LogitsFile {
    std::string dataset = "idx";
    std::int64_t num_classes = 2;
    // Row 0 is example 3 (label 0): softmax (3/4, 1/4); row 1 is example 0 (label 1): logits 0, 0; row 2 is
    // example 1, which the student's training split does not hold and which is ignored.
    std::vector<float> train_logits = {static_cast<float>(std::log(3.0)), 0.f, 0.f, 0.f, 5.f, 5.f};
    std::vector<std::int64_t> train_indices = {3, 0, 1};
    std::int64_t columns = 2;                               // of /train/logits
    std::vector<float> test_logits = {0.f, 1.f, 0.f, 2.f};  // example 0 (label 1): right; example 1 (label 0): wrong
    std::vector<std::int64_t> test_indices = {0, 1};
    std::function<void(io::H5File&)> extra;

    std::string write(const std::string& name) const {
        const std::string path = temp_file(name);
        io::H5File f = io::H5File::create(path);
        f.set_attr("/", "format", std::string(distill::kTeacherLogitsFormat));
        if (!dataset.empty()) f.set_attr("/", "dataset", dataset);
        f.set_attr("/", "num_classes", num_classes);
        f.write("/train/logits", train_logits, {static_cast<std::int64_t>(train_logits.size()) / columns, columns});
        f.write("/train/indices", train_indices);
        f.write("/test/logits", test_logits, {static_cast<std::int64_t>(test_logits.size()) / 2, 2});
        f.write("/test/indices", test_indices);
        if (extra) extra(f);
        f.close();
        return path;
    }
};

void check_rejected(const LogitsFile& file, const std::string& name, const std::string& message,
                    distill::RunConfig config = student()) {
    const std::string path = file.write(name);
    INFO(message);
    CHECK_THROWS_WITH(distill::TeacherLogits(path, config, two_class_dataset()),
                      Catch::Contains(path) && Catch::Contains(message));
}

}  // namespace

TEST_CASE("teacher logits are looked up by original index, in the batch's order", "[teacher_logits]") {
    distill::TeacherLogits t(LogitsFile().write("good.h5"), student(), two_class_dataset());
    data::Batch batch;
    batch.labels = {1, 0, 1};
    batch.indices = {0, 3, 0};
    const Tensor& z = t.logits(batch);
    REQUIRE(z.dim(0) == 3);
    CHECK(z.data()[0] == 0.f);
    CHECK(z.data()[2] == Approx(std::log(3.0)));
    CHECK(z.data()[3] == 0.f);
    CHECK(z.data()[4] == 0.f);
    batch.indices = {1};  // in the file, but not in the student's training split
    batch.labels = {1};
    CHECK_THROWS_WITH(t.logits(batch), Catch::Contains("no logits for training example 1"));
}

TEST_CASE("γ and the teacher's test accuracy come from the file's logits", "[teacher_logits]") {
    const distill::TeacherLogits t(LogitsFile().write("gamma.h5"), student(), two_class_dataset());
    // Wrong-class mass: 1/4 (example 3) and 1/2 (example 0); γ = mean · K/(K − 1) = 3/8 · 2.
    CHECK(t.info().gamma == Approx(0.75).epsilon(1e-6));
    CHECK(t.info().test_acc == Approx(0.5));
    CHECK(std::isnan(t.info().alpha));
    distill::RunConfig hot = student();
    hot.temperature = 2.0;
    // At T = 2: example 3 softmax(ln3/2, 0) = (√3, 1)/(√3 + 1): wrong mass 1/(√3 + 1); example 0 stays 1/2.
    CHECK(distill::TeacherLogits(LogitsFile().write("gamma2.h5"), hot, two_class_dataset()).info().gamma ==
          Approx((1.0 / (std::sqrt(3.0) + 1.0) + 0.5) / 2.0 * 2.0).epsilon(1e-6));
}

TEST_CASE("a file written with h5py's defaults (HDF5's pre-1.8 format) teaches with the same logits",
          "[teacher_logits]") {
    // LogitsFile's values, written the way docs/teacher-logits.md's reader would write them without libver.
    const std::string script = temp_file("write_h5py_defaults.py");
    std::ofstream(script) << "import sys\nimport h5py\nimport numpy as np\n"
                             "with h5py.File(sys.argv[1], 'w') as f:\n"
                             "    f.attrs['format'] = np.bytes_('lskd-teacher-logits/1')\n"
                             "    f.attrs['dataset'] = np.bytes_('idx')\n"
                             "    f.attrs['num_classes'] = 2\n"
                             "    f['train/logits'] = np.array([[np.log(3.0), 0], [0, 0], [5, 5]], dtype=np.float32)\n"
                             "    f['train/indices'] = np.array([3, 0, 1], dtype=np.int64)\n"
                             "    f['test/logits'] = np.array([[0, 1], [0, 2]], dtype=np.float32)\n"
                             "    f['test/indices'] = np.array([0, 1], dtype=np.int64)\n";
    const std::string path = temp_file("h5py_defaults.h5");
    REQUIRE(std::system(("/usr/bin/python3 " + script + " " + path).c_str()) == 0);
    {
        const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
        H5F_info2_t info{};
        H5Fget_info2(file, &info);
        H5Fclose(file);
        REQUIRE(info.super.version == 0);
    }

    distill::TeacherLogits h5py_file(path, student(), two_class_dataset());
    distill::TeacherLogits lskd_file(LogitsFile().write("lskd_format.h5"), student(), two_class_dataset());
    data::Batch batch;
    batch.labels = {1, 0, 1};
    batch.indices = {0, 3, 0};
    const Tensor& a = h5py_file.logits(batch);
    const Tensor& b = lskd_file.logits(batch);
    REQUIRE(a.numel() == 6);
    REQUIRE(b.numel() == 6);
    for (std::int64_t i = 0; i < a.numel(); ++i) CHECK(a.data()[i] == b.data()[i]);
    CHECK(h5py_file.info().gamma == lskd_file.info().gamma);
    CHECK(h5py_file.info().test_acc == Approx(0.5));
    CHECK(h5py_file.info().hash == lskd_file.info().hash);
}

TEST_CASE("a malformed teacher-logits file is rejected naming the fault", "[teacher_logits][errors]") {
    LogitsFile f;
    f.dataset = "mnist";
    check_rejected(f, "wrong_set.h5", "logits of data set 'mnist', but the student uses 'idx'");
    f = {};
    f.dataset = "";
    check_rejected(f, "no_set.h5", "missing the root attribute 'dataset'");
    f = {};
    f.num_classes = 3;
    check_rejected(f, "wrong_k.h5", "num_classes is 3, but data set idx has 2 classes");
    f = {};
    f.columns = 3;
    f.num_classes = 2;
    f.train_logits = {0, 0, 0, 0, 0, 0, 0, 0, 0};
    check_rejected(f, "wrong_columns.h5", "/train/logits: has 3 columns, but K is 2");
    f = {};
    f.train_logits[3] = std::numeric_limits<float>::quiet_NaN();
    check_rejected(f, "nan.h5", "/train/logits: row 1 column 1 is nan");
    f = {};
    f.train_indices = {3, 0, 0};
    check_rejected(f, "duplicate.h5", "/train/indices: example 0 appears more than once");
    f = {};
    f.train_indices = {3, 0, -1};
    check_rejected(f, "negative.h5", "/train/indices: row 2 is -1, outside the data set's train examples [0, 4)");
    f = {};
    f.train_indices = {3, 0, 4};  // training and validation splits hold examples 0..3
    check_rejected(f, "beyond.h5", "row 2 is 4, outside");
    f = {};
    f.train_indices = {3, 1, 2};
    check_rejected(f, "uncovered.h5", "1 of the student's 2 training examples have no logits (the first: example 0)");
    f = {};
    f.train_indices = {3, 0};
    check_rejected(f, "short.h5", "3 rows of logits but 2 indices");
    f = {};
    f.test_logits = {0.f, std::numeric_limits<float>::infinity(), 0.f, 0.f};
    check_rejected(f, "test_inf.h5", "/test/logits: row 0 column 1 is inf");
    f = {};
    f.extra = [](io::H5File& h) { h.write("/val/logits", std::vector<float>{0.f, 0.f}, {1, 2}); };
    check_rejected(f, "val_half.h5", "needs both /val/logits and /val/indices");
    f = {};
    f.extra = [](io::H5File& h) { h.set_attr("/", "format", std::string("lskd-run/1")); };
    check_rejected(f, "format.h5", "format attribute is 'lskd-run/1', not 'lskd-teacher-logits/1'");
    distill::RunConfig augmented = student();
    augmented.augment = true;
    check_rejected(LogitsFile(), "augment.h5", "cannot follow augmented inputs", augmented);
}

TEST_CASE("a variable-length string attribute, h5py's default for str, is refused saying how to write it",
          "[teacher_logits][errors]") {
    const std::string path = LogitsFile().write("vlen.h5");
    {
        const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
        const hid_t type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, H5T_VARIABLE);
        const hid_t space = H5Screate(H5S_SCALAR);
        H5Adelete(file, "dataset");
        const hid_t attr = H5Acreate2(file, "dataset", type, space, H5P_DEFAULT, H5P_DEFAULT);
        const char* name = "idx";
        H5Awrite(attr, type, &name);
        H5Aclose(attr);
        H5Sclose(space);
        H5Tclose(type);
        H5Fclose(file);
    }
    CHECK_THROWS_WITH(distill::TeacherLogits(path, student(), two_class_dataset()),
                      Catch::Equals(path + ": attribute 'dataset' of '/' is a variable-length string; lskd writes "
                                           "fixed-length strings and reads no others (is this a file from another "
                                           "program, or from an older lskd?); from h5py, write it as numpy.bytes_ "
                                           "(docs/teacher-logits.md)"));
}

TEST_CASE("a teacher-logits path that leads to a device is named as a device, not as an empty file",
          "[teacher_logits][errors]") {
    const std::string device = temp_file("zero_device"), link = temp_file("device_logits.h5");
    if (!io::testing::make_char_device(device)) {
        WARN("SKIPPED: mknod is not permitted here (needs root); the device case is untested");
        return;
    }
    fs::create_symlink(device, link);
    CHECK_THROWS_WITH(
        distill::TeacherLogits(link, student(), two_class_dataset()),
        Catch::StartsWith(link + ": is a character device (the symbolic link leads to '" + device + "')"));
    CHECK_THROWS_WITH(distill::TeacherLogits(device, student(), two_class_dataset()),
                      Catch::Equals(device + ": is a character device, not an HDF5 file"));
}

TEST_CASE("a run directory given as teacher logits is named as a run, with the flag that takes it",
          "[teacher_logits][errors]") {
    const std::string run = temp_file("teacher_run");
    fs::create_directories(run);
    io::H5File::create(run + "/checkpoint.h5").close();
    CHECK_THROWS_WITH(distill::TeacherLogits(run, student(), two_class_dataset()),
                      Catch::Equals(run +
                                    ": a run directory, not a file of teacher logits; give it as the teacher "
                                    "run with --teacher " +
                                    run));
}
