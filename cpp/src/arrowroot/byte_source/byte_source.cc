#include "arrowroot/byte_source/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace arrowroot::byte_source {

Status ByteSource::CheckRange(uint64_t offset, uint64_t length) const {
  if (offset > size() || length > size() - offset) {
    return Status::IOError("read of " + FormatRange(offset, length) + " is past the end of '" +
                           name() + "' (" + std::to_string(size()) +
                           " bytes); the file may be truncated");
  }
  return Status::OK();
}

Result<Bytes> ByteSource::Read(ByteRange range) const {
  RETURN_IF_ERROR(CheckRange(range.offset, range.length));
  Bytes out(range.length);
  RETURN_IF_ERROR(ReadAt(range.offset, out));
  return out;
}

namespace {

class LocalFileSource final : public ByteSource {
 public:
  LocalFileSource(int fd, uint64_t size, std::string path)
      : fd_(fd), size_(size), path_(std::move(path)) {}
  ~LocalFileSource() override { ::close(fd_); }

  uint64_t size() const override { return size_; }
  const std::string& name() const override { return path_; }

  Status ReadAt(uint64_t offset, std::span<std::byte> out) const override {
    RETURN_IF_ERROR(CheckRange(offset, out.size()));
    stats_.num_requests.fetch_add(1, std::memory_order_relaxed);
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::pread(fd_, out.data() + done, out.size() - done,
                          static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::IOError("reading " + FormatRange(offset, out.size()) + " of '" + path_ +
                               "': " + std::strerror(errno));
      }
      if (n == 0) {
        // The file shrank after it was opened.
        return Status::IOError("unexpected end of '" + path_ + "' at byte " +
                               std::to_string(offset + done) + " while reading " +
                               FormatRange(offset, out.size()) + "; was the file truncated?");
      }
      done += static_cast<size_t>(n);
    }
    stats_.num_bytes_read.fetch_add(out.size(), std::memory_order_relaxed);
    return Status::OK();
  }

 private:
  int fd_;
  uint64_t size_;
  std::string path_;
};

class MemorySource final : public ByteSource {
 public:
  MemorySource(Bytes bytes, std::string name) : bytes_(std::move(bytes)), name_(std::move(name)) {}
  uint64_t size() const override { return bytes_.size(); }
  const std::string& name() const override { return name_; }
  Status ReadAt(uint64_t offset, std::span<std::byte> out) const override {
    RETURN_IF_ERROR(CheckRange(offset, out.size()));
    stats_.num_requests.fetch_add(1, std::memory_order_relaxed);
    stats_.num_bytes_read.fetch_add(out.size(), std::memory_order_relaxed);
    if (!out.empty()) std::memcpy(out.data(), bytes_.data() + offset, out.size());
    return Status::OK();
  }

 private:
  Bytes bytes_;
  std::string name_;
};

}  // namespace

Result<std::shared_ptr<ByteSource>> OpenLocalFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound("no such file: '" + path + "'");
    return Status::IOError("cannot open '" + path + "': " + std::strerror(err));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return Status::IOError("cannot stat '" + path + "': " + std::strerror(err));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument("'" + path + "' is a directory, not a ROOT file");
  }
  return std::shared_ptr<ByteSource>(
      std::make_shared<LocalFileSource>(fd, static_cast<uint64_t>(st.st_size), path));
}

std::shared_ptr<ByteSource> MakeMemorySource(Bytes bytes, std::string name) {
  return std::make_shared<MemorySource>(std::move(bytes), std::move(name));
}


}  // namespace arrowroot::byte_source
