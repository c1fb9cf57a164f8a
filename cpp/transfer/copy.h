// The copy engine behind `arrowroot cp` and arrowroot.copy(): copy files from local disk,
// HTTP(S), HDFS (WebHDFS) or S3 to S3 or local disk, in parallel with bounded memory, checked,
// resumable, and never leaving a partial object visible.
//
// Threads: Copy() runs `jobs` workers that share one queue of parts (of every file), so at
// most `jobs` part buffers of `part_size` bytes are in memory; and one progress thread.
// An S3 target gets a single PUT for a file of up to one part, a multipart upload otherwise
// (Content-MD5 on every part; aborted on any failure). A local target is written to a hidden
// temporary file beside it and renamed into place when complete.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "arrowroot/byte_source/open.h"
#include "arrowroot/common/status.h"

namespace arrowroot::transfer {

/// What is checked after a file is copied; each level includes the ones before it.
enum class Verify {
  kNone,
  kSize,      ///< the target's size (HEAD / stat)
  kChecksum,  ///< the target's MD5 / S3 ETag against the MD5s of the bytes read
  kRoot,      ///< the target opened as a ROOT file: every key and every basket readable
};

/// "none", "size", "checksum", "root" → Verify; InvalidArgument otherwise.
Result<Verify> ParseVerify(const std::string& name);
/// "8MiB", "64M", "5242880", "1GB" → bytes (binary units); InvalidArgument otherwise.
Result<uint64_t> ParseSize(const std::string& text);

/// A snapshot for progress reports.
struct Progress {
  int64_t files_total = 0;
  int64_t files_done = 0;  ///< copied, skipped or failed
  uint64_t bytes_total = 0;
  uint64_t bytes_done = 0;
  double seconds = 0;
  bool final = false;  ///< the last report, after everything finished
};

struct CopyOptions {
  bool recursive = false;   ///< copy everything under a directory / prefix
  std::string include;      ///< copy only files whose relative path or name matches (fnmatch)
  int jobs = 4;             ///< parallel transfers (parts of any file)
  uint64_t part_size = uint64_t{8} << 20;
  Verify verify = Verify::kChecksum;
  bool resume = false;      ///< skip targets with equal size and checksum; abort stale uploads
  bool dry_run = false;     ///< list what would be copied, copy nothing
  byte_source::SourceOptions source;  ///< HTTP options and S3 configuration (both sides)
  /// Called from the progress thread every `progress_interval_ms`, and once at the end.
  std::function<void(const Progress&)> on_progress;
  int progress_interval_ms = 1000;
};

struct FileResult {
  std::string source;
  std::string target;
  uint64_t bytes = 0;
  std::string state;  ///< "copied", "skipped", "failed", "planned" (dry run)
  std::string error;  ///< for "failed"
};

struct CopySummary {
  int64_t files = 0;  ///< matched
  int64_t copied = 0;
  int64_t skipped = 0;
  int64_t failed = 0;
  uint64_t bytes = 0;         ///< bytes of all matched files
  uint64_t bytes_copied = 0;  ///< bytes transferred for copied files
  double seconds = 0;
  double mb_per_s = 0;   ///< bytes_copied / seconds / 1e6
  uint64_t retries = 0;  ///< requests tried again, all sources and the target
  std::vector<FileResult> results;
  bool ok() const { return failed == 0; }
};

/// Copy `sources` (paths or URLs, globs allowed) to `target`. A target that ends in '/', is an
/// existing directory, is a bucket, or receives several files is a directory / prefix: each
/// file keeps its name (with --recursive, its path under the source). Errors that prevent any
/// copy (bad arguments, nothing matches, unreachable listing) are a Status; a file that fails
/// is counted in the summary.
Result<CopySummary> Copy(const std::vector<std::string>& sources, const std::string& target,
                         const CopyOptions& options);

}  // namespace arrowroot::transfer
