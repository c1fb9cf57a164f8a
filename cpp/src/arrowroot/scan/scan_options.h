// What a scan is asked to do (ScanOptions) and what it counted (ScanStats): plain values, shared
// by the reader (tree_reader.h) and the basket loader (basket_loader.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arrowroot/scan/read_plan.h"

namespace arrowroot::scan {

/// The most threads a scan may ask for (as the CLI's --threads); more is InvalidArgument.
inline constexpr int kMaxThreads = 1024;

/// Threads to use for `requested` (0 = one per core, at most 16).
int ResolveThreadCount(int requested);

struct ScanOptions {
  /// Branch names or full paths; empty = every supported column.
  std::vector<std::string> columns;
  /// Nested field selection: paths {column, field, subfield, ...} whose head is an entry of
  /// `columns`; such a column is read with only the named fields (field_paths.h,
  /// to_arrow/field_selection.h).
  std::vector<std::vector<std::string>> fields;
  int64_t entry_start = 0;
  /// -1 = to the end.
  int64_t entry_stop = -1;
  /// Entries per batch; memory per batch is bounded by this times the entry size.
  int64_t batch_size = 65536;
  /// Also end a batch early once its columns hold this many bytes (0 = no limit).
  uint64_t max_batch_bytes = 256ull << 20;

  /// Fetching baskets ahead of decoding, merged into few requests (read_plan.h). kAuto does it
  /// for remote sources (HTTP, S3) and reads local files basket by basket.
  enum class Prefetch { kAuto, kAlways, kNever };
  Prefetch prefetch = Prefetch::kAuto;
  CoalesceOptions coalesce;
  /// Requests in flight at once while prefetching.
  int max_requests_in_flight = 32;
  /// Compressed bytes fetched ahead of the decoder at most (one window; at least one basket).
  uint64_t max_prefetch_bytes = 128ull << 20;
  /// Threads that read, decompress and decode columns in parallel (the caller's included);
  /// 0 = one per core (at most 16), 1 = all on the calling thread.
  int num_threads = 0;
};

/// Counters of one scan.
struct ScanStats {
  uint64_t num_baskets = 0;
  uint64_t num_basket_bytes = 0;        ///< on disk (compressed)
  uint64_t num_uncompressed_bytes = 0;  ///< after decompression
  uint64_t num_entries = 0;
  uint64_t num_prefetched_baskets = 0;  ///< baskets that came from a coalesced prefetch
  uint64_t num_prefetch_requests = 0;   ///< coalesced requests issued
};

}  // namespace arrowroot::scan
