// ByteSource: where the bytes of a ROOT file come from (local file, memory; HTTP, S3 and
// XRootD implement the same interface). Format code only ever sees this interface.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "arrowroot/common/bytes.h"
#include "arrowroot/common/status.h"

namespace arrowroot::byte_source {

/// Counters a source keeps; read them at any time (relaxed atomics).
struct SourceStats {
  std::atomic<uint64_t> num_requests{0};
  std::atomic<uint64_t> num_bytes_read{0};
};

/// Positional, read-only access to the bytes of one object.
///
/// Thread safety: ReadAt and size() are safe to call concurrently; implementations hold no
/// cursor. A source is created by an Open...() factory that does the first I/O (open, stat) and
/// returns a Result; constructors never fail.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  /// Total size in bytes, known after opening.
  virtual uint64_t size() const = 0;

  /// Fill `out` with the bytes at [offset, offset + out.size()). A range that runs past the end
  /// is an error (IOError naming the range and the size), never a short read.
  virtual Status ReadAt(uint64_t offset, std::span<std::byte> out) const = 0;

  /// A name for messages: path or URL, never credentials or signed query strings.
  virtual const std::string& name() const = 0;

  const SourceStats& stats() const { return stats_; }

  /// Read a range into a new buffer (checked against size() before allocating).
  Result<Bytes> Read(ByteRange range) const;

 protected:
  ByteSource() = default;
  /// The shared check for all sources: is [offset, +length) inside the object?
  Status CheckRange(uint64_t offset, uint64_t length) const;
  mutable SourceStats stats_;
};

/// Open a local file for positional reads. NotFound if it does not exist.
Result<std::shared_ptr<ByteSource>> OpenLocalFile(const std::string& path);

/// A source over bytes held in memory (tests, small embedded files).
std::shared_ptr<ByteSource> MakeMemorySource(Bytes bytes, std::string name = "<memory>");

/// Open by URL or path. Only local paths and file:// are known so far; other schemes give
/// Unsupported naming the scheme.
Result<std::shared_ptr<ByteSource>> OpenSource(const std::string& path_or_url);

}  // namespace arrowroot::byte_source
