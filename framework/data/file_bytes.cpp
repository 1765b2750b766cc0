#include "framework/data/file_bytes.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "framework/core/error.hpp"
#include "framework/io/file_kind.hpp"
#include "framework/io/posix_files.hpp"

namespace lskd::data {
namespace {

std::vector<std::uint8_t> read_raw(const std::filesystem::path& file) {
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (!std::filesystem::exists(status)) fail("{}: no such file", file.string());
    io::check_input_file(file.string(), "a data file");
    const std::uintmax_t size = std::filesystem::file_size(file, ec);
    if (ec) fail("{}: cannot read its size: {}", file.string(), ec.message());
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(file.c_str(), "rb"), &std::fclose);
    if (!f) fail("{}: cannot open for reading", file.string());
    std::vector<std::uint8_t> bytes(size);
    if (std::fread(bytes.data(), 1, bytes.size(), f.get()) != bytes.size())
        fail("{}: read error: expected {} bytes", file.string(), size);
    return bytes;
}

// zlib counts in 32-bit uInt, so large buffers are handed over in slices of this size.
constexpr std::size_t kZlibSlice = std::size_t{1} << 30;

// gzip stores the uncompressed size (mod 2^32) in its last four bytes; a corrupt value is only a hint, so the
// first allocation stays within a bounded multiple of the compressed size and growth follows real output.
std::size_t first_output_size(std::span<const std::uint8_t> in) {
    std::size_t hint = 0;
    if (in.size() >= 4) {
        const auto* t = in.data() + in.size() - 4;
        hint = std::size_t{t[0]} | std::size_t{t[1]} << 8 | std::size_t{t[2]} << 16 | std::size_t{t[3]} << 24;
    }
    // One byte more than the hint lets zlib report the end of the stream without a final growth step.
    return std::clamp<std::size_t>(hint, 4096, std::max<std::size_t>(4096, in.size() * 64)) + 1;
}

struct FileDescriptor {
    int fd;
    ~FileDescriptor() { ::close(fd); }
};

}  // namespace

void read_file_into(const char* file, std::vector<std::uint8_t>& bytes) {
    const FileDescriptor f{::open(file, O_RDONLY | O_CLOEXEC)};
    if (f.fd < 0) fail("{}: cannot open for reading: {}", file, io::posix::errno_text(errno));
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) fail("{}: cannot read its size: {}", file, io::posix::errno_text(errno));
    if (!S_ISREG(st.st_mode)) fail("{}: not a regular file", file);
    bytes.resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t got = ::read(f.fd, bytes.data() + done, bytes.size() - done);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) fail("{}: read error: {}", file, io::posix::errno_text(errno));
        if (got == 0) fail("{}: read error: the file ended after {} of its {} bytes", file, done, bytes.size());
        done += static_cast<std::size_t>(got);
    }
}

bool is_gzip(std::span<const std::uint8_t> bytes) { return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b; }

std::vector<std::uint8_t> gunzip(std::span<const std::uint8_t> in, const std::filesystem::path& file) {
    z_stream zs{};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) fail("{}: cannot initialise zlib", file.string());
    std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, &inflateEnd);

    std::vector<std::uint8_t> out(first_output_size(in));
    std::size_t consumed = 0;  // input bytes handed to zlib so far
    std::size_t produced = 0;
    for (;;) {
        if (zs.avail_in == 0 && consumed < in.size()) {
            zs.next_in = const_cast<Bytef*>(in.data() + consumed);
            zs.avail_in = static_cast<uInt>(std::min(in.size() - consumed, kZlibSlice));
            consumed += zs.avail_in;
        }
        if (produced == out.size()) out.resize(out.size() * 2);
        const std::size_t room = std::min(out.size() - produced, kZlibSlice);
        zs.next_out = out.data() + produced;
        zs.avail_out = static_cast<uInt>(room);
        const int ret = inflate(&zs, Z_NO_FLUSH);
        produced += room - zs.avail_out;
        const std::size_t unread = zs.avail_in + (in.size() - consumed);
        if (ret == Z_STREAM_END) {
            if (unread == 0) break;
            // `gzip -c a b > f` writes several members; anything else after the end is not ours to ignore.
            if (!is_gzip(in.subspan(in.size() - unread)))
                fail("{}: corrupt gzip file: {} unexpected bytes after the end of the compressed data", file.string(),
                     unread);
            inflateReset(&zs);
            continue;
        }
        if (ret == Z_OK) continue;
        if (ret == Z_BUF_ERROR && zs.avail_out == 0) continue;  // output full: grow and go on
        if (ret == Z_BUF_ERROR && unread == 0)
            fail("{}: truncated gzip file: the compressed data ends early (after {} uncompressed bytes)", file.string(),
                 produced);
        if (ret == Z_MEM_ERROR) fail("{}: out of memory while decompressing", file.string());
        fail("{}: corrupt gzip data: {}", file.string(),
             zs.msg != nullptr ? zs.msg : "zlib error " + std::to_string(ret));
    }
    out.resize(produced);
    return out;
}

std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& file) {
    std::vector<std::uint8_t> bytes = read_raw(file);
    if (bytes.empty()) fail("{}: empty file", file.string());
    if (!is_gzip(bytes)) return bytes;
    bytes = gunzip(bytes, file);
    if (bytes.empty()) fail("{}: empty file (after decompression)", file.string());
    return bytes;
}

}  // namespace lskd::data
