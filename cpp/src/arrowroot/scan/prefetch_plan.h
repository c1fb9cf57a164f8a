// Prefetch planning (remote sources): which baskets the next coalesced fetch takes, in entry
// order, within a byte budget. Pure: no I/O, no state; the basket loader keeps what is fetched.
#pragma once

#include <cstdint>
#include <vector>

#include "arrowroot/common/bytes.h"

namespace arrowroot::scan {

/// A basket on disk that could be fetched ahead: not fetched, not being fetched, not cached.
struct PrefetchCandidate {
  int64_t entry_start = 0;
  int64_t entry_stop = 0;
  uint64_t seek = 0;
  uint32_t bytes = 0;
};

/// One fetch: the baskets' seeks and their byte ranges (parallel), and the entry up to which
/// every candidate is now in this window or an earlier one.
struct PrefetchWindow {
  std::vector<uint64_t> seeks;
  std::vector<ByteRange> ranges;
  int64_t planned_until = 0;
};

/// The window for the baskets of entries [from, stop): candidates that overlap them (empty ones
/// left out), ordered by first entry then seek, taken until `budget_bytes` is used (the first
/// basket always, whatever its size); a basket listed twice (shared by two columns) is fetched
/// once. planned_until is `stop` when every candidate fits, else the first entry of the first
/// one left out (never below `from`).
PrefetchWindow PlanPrefetchWindow(std::vector<PrefetchCandidate> candidates, int64_t from,
                                  int64_t stop, uint64_t budget_bytes);

}  // namespace arrowroot::scan
