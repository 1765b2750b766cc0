#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/io/h5_file.hpp"
#include "tests/io/io_test_support.hpp"

using namespace lskd;
using namespace lskd::io;
using lskd::io::testing::TempDir;

TEST_CASE("attributes of every kind round-trip on the root, a group and a dataset", "[io]") {
    TempDir dir;
    const std::string path = dir / "attrs.h5";
    const std::vector<std::string> classes = {"T-shirt/top", "Trouser", "Ärmel", "袜子", ""};
    {
        H5File f = H5File::create(path);
        f.write("params/fc.weight", std::vector<float>{1, 2});
        f.create_group("analysis/cka");
        for (const std::string object : {"/", "analysis/cka", "params/fc.weight"}) {
            f.set_attr(object, "method", "kd");
            f.set_attr(object, "name", std::string("run α"));
            f.set_attr(object, "classes", classes);
            f.set_attr(object, "tags", {"a", "b"});
            f.set_attr(object, "lr", 0.05);
            f.set_attr(object, "seed", std::int64_t{-1234567890123});
            f.set_attr(object, "epochs", 30);         // an int: stored as int64
            f.set_attr(object, "batch", 128u);        // unsigned too
            f.set_attr(object, "temperature", 4.0f);  // a float: stored as double
        }
        f.close();
    }
    H5File f = H5File::open_read(path);
    for (const std::string object : {"/", "analysis/cka", "params/fc.weight"}) {
        INFO(object);
        CHECK(f.attr_string(object, "method") == "kd");
        CHECK(f.attr_string(object, "name") == "run α");
        CHECK(f.attr_strings(object, "classes") == classes);
        CHECK(f.attr_strings(object, "tags") == std::vector<std::string>{"a", "b"});
        CHECK(f.attr_double(object, "lr") == 0.05);
        CHECK(f.attr_int64(object, "seed") == -1234567890123);
        CHECK(f.attr_int64(object, "epochs") == 30);
        CHECK(f.attr_int64(object, "batch") == 128);
        CHECK(f.attr_double(object, "temperature") == 4.0);
        CHECK(f.attr_double(object, "epochs") == 30.0);                             // an integer reads as a double
        CHECK(f.attr_strings(object, "method") == std::vector<std::string>{"kd"});  // a scalar is a list of one
        CHECK(f.attr_names(object) == std::vector<std::string>{"batch", "classes", "epochs", "lr", "method", "name",
                                                               "seed", "tags", "temperature"});
    }
}

TEST_CASE("setting an attribute again replaces it, even with another type", "[io]") {
    TempDir dir;
    H5File f = H5File::create(dir / "a.h5");
    f.set_attr("/", "x", 1.5);
    f.set_attr("/", "x", "now a string");
    CHECK(f.attr_string("/", "x") == "now a string");
    f.set_attr("/", "x", std::vector<std::string>{});
    CHECK(f.attr_strings("/", "x").empty());
    f.set_attr("/", "x", std::int64_t{7});
    CHECK(f.attr_int64("/", "x") == 7);
    CHECK(f.attr_names("/") == std::vector<std::string>{"x"});
}

TEST_CASE("attributes are checked, listed and removed", "[io]") {
    TempDir dir;
    const std::string path = dir / "b.h5";
    H5File f = H5File::create(path);
    f.set_attr("/", "lr", 0.1);
    f.set_attr("/", "model", "resnet");
    f.set_attr("/", "classes", {"a", "b"});
    CHECK(f.has_attr("/", "lr"));
    CHECK_FALSE(f.has_attr("/", "momentum"));
    CHECK_FALSE(f.has_attr("/missing/group", "lr"));

    CHECK_THROWS_WITH(f.attr_double("/", "momentum"), Catch::Equals(path + ": no attribute 'momentum' on '/'"));
    CHECK_THROWS_WITH(f.attr_string("/missing", "x"), Catch::Equals(path + ": no object '/missing'"));
    CHECK_THROWS_WITH(f.set_attr("/missing", "x", 1.0), Catch::Contains("no object '/missing'"));
    CHECK_THROWS_WITH(f.attr_double("/", "model"),
                      Catch::Contains("attribute 'model' of '/' holds strings, not a number"));
    CHECK_THROWS_WITH(f.attr_int64("/", "lr"), Catch::Contains("holds floats, not an integer"));
    CHECK_THROWS_WITH(f.attr_string("/", "lr"), Catch::Contains("holds floats, not strings"));
    CHECK_THROWS_WITH(f.attr_string("/", "classes"), Catch::Contains("holds 2 values, expected one"));
    CHECK_THROWS_WITH(f.set_attr("/", "bad", "\xff"), Catch::Contains("not valid UTF-8"));
    CHECK_THROWS_WITH(f.set_attr("/", "", 1.0), Catch::Contains("without a name"));
    CHECK_THROWS_WITH(f.set_attr("/", "huge", std::numeric_limits<std::uint64_t>::max()),
                      Catch::Contains("does not fit in int64"));

    f.remove_attr("/", "lr");
    CHECK_FALSE(f.has_attr("/", "lr"));
    CHECK_THROWS_WITH(f.remove_attr("/", "lr"), Catch::Contains("no attribute 'lr' on '/'"));
}

TEST_CASE("a long string list fits in an attribute", "[io]") {
    // Beyond 64 KiB an attribute needs the dense attribute storage of the 1.8 and later file formats.
    TempDir dir;
    const std::string path = dir / "long.h5";
    std::vector<std::string> names;
    for (int i = 0; i < 20000; ++i) names.push_back("class_" + std::to_string(i));
    {
        H5File f = H5File::create(path);
        f.set_attr("/", "names", names);
        f.close();
    }
    CHECK(H5File::open_read(path).attr_strings("/", "names") == names);
}

TEST_CASE("attributes and objects are copied from another file onto other paths, as they are stored", "[io]") {
    TempDir dir;
    const std::vector<std::string> classes = {"T-shirt/top", "Ärmel"};
    {
        H5File f = H5File::create(dir / "source.h5");
        f.create_group("analysis/cka");
        f.set_attr("analysis/cka", "name", std::string("run α"));
        f.set_attr("analysis/cka", "classes", classes);
        f.set_attr("analysis/cka", "lr", 0.05);
        f.set_attr("analysis/cka", "seed", std::int64_t{-1234567890123});
        f.write("analysis/cka/bins/edges", std::vector<double>{0, 0.5, 1});
    }
    const H5File source = H5File::open_read(dir / "source.h5");
    {
        H5File f = H5File::create(dir / "copy.h5");
        f.set_attr("/", "lr", std::string("replaced"));
        f.copy_attrs_from(source, "analysis/cka", "/");
        f.copy_from(source, "analysis/cka/bins", "/bins");
        CHECK_THROWS_WITH(f.copy_from(source, "analysis/cka/bins", "/bins"), Catch::Contains("an object is there"));
    }
    const H5File copy = H5File::open_read(dir / "copy.h5");
    CHECK(copy.attr_names("/") == std::vector<std::string>{"classes", "lr", "name", "seed"});
    CHECK(copy.attr_string("/", "name") == "run α");
    CHECK(copy.attr_strings("/", "classes") == classes);
    CHECK(copy.attr_double("/", "lr") == 0.05);
    CHECK(copy.attr_int64("/", "seed") == -1234567890123);
    CHECK(copy.read<double>("/bins/edges", 1).values == std::vector<double>{0, 0.5, 1});
}
