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
  std::atomic<uint64_t> num_requests{0};    ///< reads asked of the storage (GETs, preads)
  std::atomic<uint64_t> num_bytes_read{0};  ///< bytes the requests asked for
  std::atomic<uint64_t> num_bytes_received{0};  ///< bytes that came over the wire (remote)
  std::atomic<uint64_t> num_retries{0};         ///< requests tried again after a failure
  std::atomic<uint64_t> num_full_downloads{0};  ///< servers that ignored Range: whole object read
  std::atomic<uint64_t> io_wall_ns{0};          ///< time spent waiting on requests, summed
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

  /// True when every read costs a network round trip (HTTP, S3): the scan then merges and
  /// prefetches basket reads.
  virtual bool is_remote() const { return false; }

  /// True when [offset, +length) would be served from memory without a request (a remote
  /// source's speculative head/tail reads); the scan then does not plan a fetch for it.
  virtual bool HasInMemory(uint64_t /*offset*/, uint64_t /*length*/) const { return false; }

  /// The entity tag the server gave for the object (HTTP, S3), as sent (quotes included);
  /// empty for sources without one. Reads are pinned to it.
  virtual std::string etag() const { return {}; }

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

// Opening by URL (file://, http(s)://, s3://) is in open.h.

}  // namespace arrowroot::byte_source
