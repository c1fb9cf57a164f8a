// Basket loading: every thread of a scan lives here. A basket (read + decompress) is the unit
// of work. Local sources: pool tasks load the baskets the decoders need next. Remote sources:
// coalesced windows of baskets are fetched ahead (prefetch_plan.h), in the background between
// batches, and the baskets of a chunk are decompressed in parallel.
//
// Threading: one BasketLoader per BatchReader, driven by its one consumer thread. A
// BasketColumn is touched by one thread at a time (the decode of its column group, or the
// consumer between chunks); pool tasks touch only their own AsyncLoad. Destroying the loader
// requests its stop token: tasks not started do nothing, a background fetch skips the
// requests it has not started, and the destructor waits for what is still running.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <unordered_map>
#include <vector>

#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/common/status.h"
#include "arrowroot/root_format/basket.h"
#include "arrowroot/root_format/basket_list.h"
#include "arrowroot/scan/prefetch_plan.h"
#include "arrowroot/scan/scan_options.h"
#include "arrowroot/scan/thread_pool.h"

namespace arrowroot::scan {

/// A basket being loaded ahead by a pool task (defined in basket_loader.cc).
struct AsyncLoad;

/// One branch's baskets as a scan reads them: the slots, the basket in use, and the baskets
/// loaded ahead. Owned by the reader; must outlive the loader it is registered with.
struct BasketColumn {
  const root_format::Branch* branch = nullptr;
  std::vector<root_format::BasketSlot> baskets;
  size_t cached_index = SIZE_MAX;
  std::shared_ptr<const root_format::Basket> cached;
  /// Counters of this column since the last fold into the reader's ScanStats (columns are
  /// read on several threads; each touches only its own state).
  ScanStats pending_stats;
  /// Baskets loaded ahead in parallel (remote sources), by index; Get takes them.
  std::map<size_t, std::shared_ptr<const root_format::Basket>> ready;
  /// Baskets being loaded ahead by pool tasks (local sources), by index; Get takes them.
  std::map<size_t, std::shared_ptr<AsyncLoad>> inflight;
};

/// Add `col`'s pending counters to `stats` and clear them (on the consumer thread).
void FoldPendingStats(BasketColumn& col, ScanStats* stats);

class BasketLoader {
 public:
  /// Load the baskets of `columns` (those read ahead; counter columns are loaded on demand)
  /// for entries up to `stop` from `source`. `threads` > 1 starts a pool.
  BasketLoader(std::shared_ptr<byte_source::ByteSource> source, const ScanOptions& options,
               bool prefetch, int64_t start, int64_t stop, int threads,
               std::vector<BasketColumn*> columns);
  /// Stops: see the file comment.
  ~BasketLoader();
  BasketLoader(const BasketLoader&) = delete;
  BasketLoader& operator=(const BasketLoader&) = delete;

  /// Basket `index` of `col`: the cached one, one loaded ahead, or loaded on this thread.
  /// Errors name no branch (the caller adds it).
  Result<std::shared_ptr<const root_format::Basket>> Get(BasketColumn& col, size_t index);

  /// Remote: before a batch of entries [next, stop), make sure their baskets are fetched or
  /// being fetched (blocking); counts requests in `stats`. Does nothing for local sources.
  void PrefetchBatch(int64_t next, int64_t stop, ScanStats* stats);
  /// Remote: after a batch, with the scan at `next`, start fetching the next window in the
  /// background if little is fetched ahead. Does nothing for local sources.
  void FetchAhead(int64_t next, ScanStats* stats);

  /// Read entries [start, stop) of `num_groups` column groups: start loading their baskets
  /// ahead, then call read_group(g) for every group, in parallel when there is a pool.
  void ReadChunk(int64_t start, int64_t stop, size_t num_groups,
                 const std::function<void(size_t)>& read_group);

  bool has_pool() const { return pool_ != nullptr; }

 private:
  Result<std::shared_ptr<const root_format::Basket>> Load(const BasketColumn& col, size_t index,
                                                          ScanStats* stats);
  bool RunLoad(const BasketColumn& col, size_t index, AsyncLoad& load);
  Result<std::shared_ptr<const root_format::Basket>> TakeInflight(BasketColumn& col, size_t index,
                                                                  std::shared_ptr<AsyncLoad> load);
  void SubmitLoads(int64_t start, int64_t stop);
  void PreloadBaskets(int64_t start, int64_t stop);
  PrefetchWindow PlanWindow(int64_t next);
  void AddFetched(const PrefetchWindow& window, std::vector<Bytes> data);
  void CollectPending();

  std::shared_ptr<byte_source::ByteSource> source_;
  ScanOptions options_;
  bool prefetch_ = false;
  int64_t stop_entry_ = 0;
  std::vector<BasketColumn*> columns_;
  std::stop_source stop_;

  // Prefetching (remote sources): baskets fetched ahead, keyed by their seek.
  std::mutex prefetch_mu_;  ///< guards prefetched_ and prefetched_bytes_
  int64_t planned_until_ = 0;
  uint64_t prefetched_bytes_ = 0;
  std::unordered_map<uint64_t, Bytes> prefetched_;
  std::future<Result<std::vector<Bytes>>> pending_;
  PrefetchWindow pending_window_;

  /// Last: destroyed first, while everything its queued tasks touch is still alive.
  std::unique_ptr<ThreadPool> pool_;  ///< null when single-threaded
};

}  // namespace arrowroot::scan
