// libFuzzer harness of the CIFAR reader: one batch file (raw or gzip'd) of either kind; every input must end in
// records appended or lskd::Error, never a crash, a leak or undefined behaviour.
#include <cstdint>
#include <span>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/data/cifar_reader.hpp"
#include "framework/data/file_bytes.hpp"

// Layout: 1 byte choosing the kind (even: CIFAR-10, odd: CIFAR-100), then the file.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const auto kind = data[0] % 2 == 0 ? lskd::data::CifarKind::cifar10 : lskd::data::CifarKind::cifar100;
    const std::span<const std::uint8_t> file(data + 1, size - 1);
    lskd::data::ImageSet set;
    set.height = 32;
    set.width = 32;
    set.channels = 3;
    try {
        if (lskd::data::is_gzip(file))
            lskd::data::append_cifar(set, lskd::data::gunzip(file, "batch.bin.gz"), "batch.bin.gz", kind);
        else
            lskd::data::append_cifar(set, file, "batch.bin", kind);
    } catch (const lskd::Error&) {
    }
    return 0;
}
