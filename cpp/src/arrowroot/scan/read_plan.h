// Read planning for remote sources: which byte ranges to fetch for a set of baskets, merged into
// few large requests, fetched with bounded concurrency. Object stores charge a round trip per
// request and serve no multi-range GETs, so neighbouring baskets (of one branch or of several;
// ROOT writes the baskets of all branches interleaved as they fill) go into one GET when the gap
// between them is small (uproot #1157 / #1198; DuckDB merges Parquet column chunks the same way).
#pragma once

#include <cstdint>
#include <stop_token>
#include <vector>

#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/common/bytes.h"
#include "arrowroot/common/status.h"

namespace arrowroot::scan {

struct CoalesceOptions {
  /// Merge two ranges when at most this many unwanted bytes lie between them...
  uint64_t max_gap_bytes = 32 << 10;
  /// ...or when the gap is at most this fraction of the wanted bytes already in the request:
  /// baskets of unread branches between read ones (ROOT interleaves all branches' baskets)
  /// then cost bandwidth, bounded by this ratio, instead of a round trip each (0 = off).
  double max_waste_ratio = 0.5;
  /// Do not grow a merged request beyond this (a single larger range stays one request).
  uint64_t max_request_bytes = 8 << 20;
};

/// One request: a byte range and the input ranges it serves (indices into the input).
struct CoalescedRead {
  ByteRange range;
  std::vector<size_t> members;
};

/// Merge `ranges` (any order, duplicates and overlaps allowed; empty ones ignored) into
/// requests sorted by offset. Every non-empty input range lies inside exactly one request.
std::vector<CoalescedRead> CoalesceRanges(const std::vector<ByteRange>& ranges,
                                          const CoalesceOptions& options);

/// Fetch every request from `source` with at most `max_in_flight` at a time (threads owned by
/// this call), returning the bytes of each input range (empty ones stay empty), in input order.
/// The first error wins; requests not yet started are then skipped. Once `stop` is requested,
/// requests not yet started are skipped too and the result is Cancelled.
Result<std::vector<Bytes>> FetchRanges(const byte_source::ByteSource& source,
                                       const std::vector<ByteRange>& ranges,
                                       const CoalesceOptions& options, int max_in_flight,
                                       std::stop_token stop = {});

}  // namespace arrowroot::scan
