// The readers on damaged bytes: every truncation of small files, every single bit flip, and random files. Each
// must end in an lskd::Error or in data that the damage could not have made wrong; never a crash or a hang.
#include <catch2/catch.hpp>

#include <array>

#include "fixtures.hpp"
#include "framework/core/random.hpp"
#include "framework/data/cifar_reader.hpp"
#include "framework/data/cmudict_reader.hpp"
#include "framework/data/file_bytes.hpp"
#include "framework/data/idx_reader.hpp"
#include "framework/data/parallel_tsv_reader.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;

namespace {

const ImageSet kSet = synthetic_set(3, 4, 4, 1, 3, 1);
const IdxExpectations kExpect{4, 4, 3};

Bytes image_file() { return idx_images_bytes(3, 4, 4, kSet.pixels); }
Bytes label_file() { return idx_labels_bytes(Bytes(kSet.labels.begin(), kSet.labels.end())); }

ImageSet parse(const Bytes& images, const Bytes& labels) {
    return parse_idx(images, labels, "images", "labels", kExpect);
}

std::size_t bytes_differing(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < a.size(); ++i) n += a[i] != b[i];
    return n;
}

ImageSet empty_cifar_set() {
    ImageSet set;
    set.height = 32;
    set.width = 32;
    set.channels = 3;
    return set;
}

}  // namespace

TEST_CASE("every truncation of an IDX file is an error", "[data][fuzz]") {
    const Bytes images = image_file(), labels = label_file();
    for (std::size_t len = 0; len < images.size(); ++len)
        CHECK_FALSE(error_message([&] { parse(Bytes(images.begin(), images.begin() + len), labels); }).empty());
    for (std::size_t len = 0; len < labels.size(); ++len)
        CHECK_FALSE(error_message([&] { parse(images, Bytes(labels.begin(), labels.begin() + len)); }).empty());
    const Bytes packed = gzip_bytes(images);
    for (std::size_t len = 0; len < packed.size(); ++len)
        CHECK_FALSE(error_message([&] { parse(gunzip(std::span(packed).first(len), "x.gz"), labels); }).empty());
}

TEST_CASE("a bit flip in a raw IDX file is an error or changes one pixel or label", "[data][fuzz]") {
    const Bytes images = image_file(), labels = label_file();
    for (std::size_t bit = 0; bit < images.size() * 8; ++bit) {
        Bytes bad = images;
        bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        ImageSet got;
        if (error_message([&] { got = parse(bad, labels); }).empty()) {
            INFO("bit " << bit);
            CHECK(bit / 8 >= 16);  // a header flip must be caught
            CHECK(bytes_differing(got.pixels, kSet.pixels) == 1);
        }
    }
    for (std::size_t bit = 0; bit < labels.size() * 8; ++bit) {
        Bytes bad = labels;
        bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        ImageSet got;
        if (error_message([&] { got = parse(images, bad); }).empty()) {
            INFO("bit " << bit);
            CHECK(bit / 8 >= 8);
            CHECK(got.labels != kSet.labels);
            CHECK(got.pixels == kSet.pixels);
        }
    }
}

TEST_CASE("a bit flip in a gzip'd IDX file is an error or changes nothing", "[data][fuzz]") {
    const Bytes packed = gzip_bytes(image_file());
    for (std::size_t bit = 0; bit < packed.size() * 8; ++bit) {
        Bytes bad = packed;
        bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        ImageSet got;
        // Flips in unchecked gzip header fields (such as the time stamp) leave the data intact.
        if (error_message([&] { got = parse(gunzip(bad, "x.gz"), label_file()); }).empty()) {
            INFO("bit " << bit);
            CHECK(got.pixels == kSet.pixels);
        }
    }
}

TEST_CASE("random files are errors, not crashes or huge allocations", "[data][fuzz]") {
    lskd::Rng rng(2024);
    for (int trial = 0; trial < 2000; ++trial) {
        Bytes bytes(rng.below(200));
        for (auto& b : bytes) b = static_cast<std::uint8_t>(rng.next_u64());
        // Valid prefixes lead the random bytes deeper into the parsers, e.g. to headers claiming 4 billion images.
        const int prefix = static_cast<int>(rng.below(4));
        if (prefix == 1 && bytes.size() >= 4) bytes[0] = 0, bytes[1] = 0, bytes[2] = 8, bytes[3] = 3;
        if (prefix == 2 && bytes.size() >= 4) bytes[0] = 0, bytes[1] = 0, bytes[2] = 8, bytes[3] = 1;
        if (prefix == 3 && bytes.size() >= 2) bytes[0] = 0x1f, bytes[1] = 0x8b;
        error_message([&] { parse_idx(is_gzip(bytes) ? gunzip(bytes, "r.gz") : bytes, label_file(), "r", "l"); });
        error_message([&] { parse_idx(image_file(), is_gzip(bytes) ? gunzip(bytes, "r.gz") : bytes, "i", "r"); });
    }
    SUCCEED("no crash");
}

TEST_CASE("every truncation and random damage of a CIFAR file is caught", "[data][fuzz]") {
    const Bytes records = cifar_bytes(synthetic_set(2, 32, 32, 3, 10, 2), false);
    for (std::size_t len = 1; len < records.size(); ++len) {
        if (len == records.size() / 2) continue;  // one whole record
        ImageSet set = empty_cifar_set();
        CHECK_FALSE(
            error_message([&] { append_cifar(set, std::span(records).first(len), "b", CifarKind::cifar10); }).empty());
    }
    lskd::Rng rng(7);
    for (int trial = 0; trial < 500; ++trial) {
        Bytes bytes(rng.below(records.size() + 1));
        for (auto& b : bytes) b = static_cast<std::uint8_t>(rng.next_u64());
        ImageSet got = empty_cifar_set();
        if (error_message([&] { append_cifar(got, bytes, "b", CifarKind::cifar100); }).empty()) {
            CHECK(bytes.size() % 3074 == 0);
            for (std::int32_t y : got.labels) CHECK(y < 100);
        }
    }
}

TEST_CASE("bit flips in a dictionary are caught", "[data][fuzz]") {
    const Bytes dict =
        text_bytes("MNCL\n(\"a\" dt (((ax) 0)))\n(\"a\" n (((ey) 1)))\n(\"aaa\" nil (((t r ih) 1) ((p ax) 0)))\n");
    const std::size_t words = parse_cmudict(dict, "d").examples.size();
    for (std::size_t bit = 0; bit < dict.size() * 8; ++bit) {
        Bytes bad = dict;
        bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        std::size_t got = words;
        // A flip inside a word or phone may still parse: a homograph then becomes a word of its own, no more.
        const std::string msg = error_message([&] { got = parse_cmudict(bad, "d").examples.size(); });
        if (msg.empty()) CHECK((got == words || got == words + 1));
    }
    // A prefix parses only when it ends at a line's end.
    for (std::size_t len = 0; len < dict.size(); ++len) {
        const std::string msg = error_message([&] { parse_cmudict(std::span(dict).first(len), "d"); });
        if (msg.empty()) CHECK((dict[len] == '\n' || dict[len - 1] == '\n'));
    }
}

TEST_CASE("bit flips in a TSV file are caught", "[data][fuzz]") {
    const Bytes tsv = text_bytes("Open\tDatei \xC3\xB6"
                                 "ffnen\nquit\tbeenden\tschliessen\n");
    for (std::size_t bit = 0; bit < tsv.size() * 8; ++bit) {
        Bytes bad = tsv;
        bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        std::size_t fields = 0;
        const std::string msg = error_message([&] {
            for (const auto& e : parse_parallel_tsv(bad, "t").examples) fields += 1 + e.references.size();
        });
        // A flip that parses changes one byte: a tab more or less (then one field more or less), a line split
        // (two rows whose second lacks a tab fails), or a character.
        if (msg.empty()) CHECK((fields >= 4 && fields <= 6));
    }
}
