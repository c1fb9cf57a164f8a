#include "arrowroot/scan/basket_loader.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>

namespace arrowroot::scan {

using root_format::Basket;
using root_format::BasketSlot;

/// A basket being loaded ahead by a pool task (local sources). Whoever claims it first loads
/// it: the task, or the decode that needs it before the task has started (so a decode never
/// waits for a task that no thread is free to run).
struct AsyncLoad {
  std::atomic<bool> claimed{false};
  std::promise<void> done;
  std::shared_future<void> finished = done.get_future().share();
  std::optional<Result<std::shared_ptr<const Basket>>> result;
  ScanStats stats;
};

namespace {

/// The counters one basket load adds to its column's pending stats.
void AddLoadStats(ScanStats* into, const ScanStats& load) {
  into->num_baskets += load.num_baskets;
  into->num_basket_bytes += load.num_basket_bytes;
  into->num_uncompressed_bytes += load.num_uncompressed_bytes;
  into->num_prefetched_baskets += load.num_prefetched_baskets;
}

}  // namespace

void FoldPendingStats(BasketColumn& c, ScanStats* stats) {
  AddLoadStats(stats, c.pending_stats);
  c.pending_stats = ScanStats{};
}

BasketLoader::BasketLoader(std::shared_ptr<byte_source::ByteSource> source,
                           const ScanOptions& options, bool prefetch, int64_t start, int64_t stop,
                           int threads, std::vector<BasketColumn*> columns)
    : source_(std::move(source)),
      options_(options),
      prefetch_(prefetch),
      stop_entry_(stop),
      columns_(std::move(columns)),
      planned_until_(start) {
  // Threads even for one column group: its baskets still decompress in parallel.
  if (threads > 1 && !columns_.empty()) pool_ = std::make_unique<ThreadPool>(threads);
}

BasketLoader::~BasketLoader() {
  stop_.request_stop();
  if (pending_.valid()) pending_.wait();  // the fetch thread uses our source; let it finish
  // Tasks still loading ahead use this loader: claim those not started (they then do nothing)
  // and wait for those running.
  for (BasketColumn* col : columns_) {
    for (auto& [index, load] : col->inflight) {
      if (load->claimed.exchange(true)) load->finished.wait();
    }
  }
}

/// Load `load` (basket `index` of `col`) on this thread if nobody has claimed it yet; false if
/// it was claimed already (by another thread, or by a loader closing).
bool BasketLoader::RunLoad(const BasketColumn& col, size_t index, AsyncLoad& load) {
  if (load.claimed.exchange(true)) return false;
  load.result = Load(col, index, &load.stats);
  load.done.set_value();
  return true;
}

/// Read and decompress one basket; thread-safe (touches no column state), counts in `stats`.
Result<std::shared_ptr<const Basket>> BasketLoader::Load(const BasketColumn& col, size_t index,
                                                         ScanStats* stats) {
  const BasketSlot& r = col.baskets[index];
  std::shared_ptr<Basket> basket;
  if (r.embedded) {
    ASSIGN_OR_RETURN(Basket b, root_format::ViewEmbeddedBasket(r.embedded));
    basket = std::make_shared<Basket>(std::move(b));
  } else {
    Bytes raw;
    bool found = false;
    if (prefetch_) {
      std::lock_guard<std::mutex> lock(prefetch_mu_);
      auto it = prefetched_.find(r.seek);
      if (it != prefetched_.end() && it->second.size() == r.bytes) {
        raw = std::move(it->second);
        prefetched_bytes_ -= raw.size();
        prefetched_.erase(it);
        found = true;
      }
    }
    if (found) {
      ++stats->num_prefetched_baskets;
    } else {
      ASSIGN_OR_RETURN(raw, source_->Read({r.seek, r.bytes}));
    }
    stats->num_basket_bytes += raw.size();
    ASSIGN_OR_RETURN(Basket b, root_format::DecodeBasketKey(std::move(raw), r.seek, col.branch->name));
    basket = std::make_shared<Basket>(std::move(b));
  }
  ++stats->num_baskets;
  stats->num_uncompressed_bytes += basket->data.size();
  if (basket->num_entries != r.entry_stop - r.entry_start) {
    return Status::Corruption("basket holds " + std::to_string(basket->num_entries) +
                              " entries, the branch says " +
                              std::to_string(r.entry_stop - r.entry_start));
  }
  return std::shared_ptr<const Basket>(std::move(basket));
}

Result<std::shared_ptr<const Basket>> BasketLoader::Get(BasketColumn& col, size_t index) {
  if (col.cached_index == index) return col.cached;
  std::shared_ptr<const Basket> basket;
  if (auto it = col.ready.find(index); it != col.ready.end()) {
    basket = std::move(it->second);  // loaded ahead, in parallel (PreloadBaskets)
    col.ready.erase(it);
  } else if (auto fl = col.inflight.find(index); fl != col.inflight.end()) {
    std::shared_ptr<AsyncLoad> load = std::move(fl->second);
    col.inflight.erase(fl);
    ASSIGN_OR_RETURN(basket, TakeInflight(col, index, std::move(load)));
  } else {
    ASSIGN_OR_RETURN(basket, Load(col, index, &col.pending_stats));
  }
  col.cached_index = index;
  col.cached = basket;
  return basket;
}

/// A basket a pool task was asked to load. Not started yet: load it here rather than wait for
/// a free thread. Being loaded by a task: meanwhile load this column's next baskets here
/// rather than idle (one column then decompresses on every thread, and decodes on this one).
Result<std::shared_ptr<const Basket>> BasketLoader::TakeInflight(BasketColumn& col, size_t index,
                                                                 std::shared_ptr<AsyncLoad> load) {
  RunLoad(col, index, *load);
  while (load->finished.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    bool helped = false;
    for (auto& [i, other] : col.inflight) {
      if ((helped = RunLoad(col, i, *other))) break;
    }
    if (!helped) break;
  }
  load->finished.wait();
  AddLoadStats(&col.pending_stats, load->stats);
  if (!load->result->ok()) return load->result->status();
  return std::move(**load->result);
}

void BasketLoader::ReadChunk(int64_t start, int64_t stop, size_t num_groups,
                             const std::function<void(size_t)>& read_group) {
  if (!pool_) {
    for (size_t g = 0; g < num_groups; ++g) read_group(g);
    return;
  }
  if (!prefetch_) {
    // Local source: baskets load ahead as pool tasks, not held at the barrier of each step,
    // so one column decodes on one thread while the others decompress its next baskets.
    SubmitLoads(start, stop);
  } else {
    // Remote source: the loads take the prefetched windows, planned batch by batch.
    PreloadBaskets(start, stop);
  }
  pool_->ParallelFor(num_groups, read_group);
}

void BasketLoader::SubmitLoads(int64_t start, int64_t stop) {
  // Per column, the baskets of [start, stop) and `lookahead` more, each loaded by a pool task
  // as soon as a thread is free; the decode takes them (Get) in order.
  const size_t lookahead = static_cast<size_t>(pool_->num_threads());
  for (BasketColumn* col : columns_) {
    size_t taken = 0;
    for (size_t i = col->cached_index == SIZE_MAX ? 0 : col->cached_index; i < col->baskets.size(); ++i) {
      const BasketSlot& r = col->baskets[i];
      if (r.entry_stop <= start || r.entry_start >= stop_entry_) continue;
      if (r.entry_start >= stop && taken >= lookahead) break;
      if (r.entry_start >= stop) ++taken;
      if (r.embedded || i == col->cached_index || col->ready.count(i) || col->inflight.count(i)) continue;
      auto load = std::make_shared<AsyncLoad>();
      col->inflight.emplace(i, load);
      const BasketColumn* c = col;
      // Does nothing if the decode took it over meanwhile, or the loader is stopping.
      pool_->Submit([this, c, i, load] {
        if (!stop_.stop_requested()) RunLoad(*c, i, *load);
      });
    }
  }
}

void BasketLoader::PreloadBaskets(int64_t start, int64_t stop) {
  // The unit of parallel work is one basket: read + decompress. Columns of one collection
  // share a counter and so decode on one thread, but their baskets (and the several baskets
  // of one column in a chunk) still decompress in parallel here. A failure is left for
  // Get to meet again, with the branch and basket in its message.
  struct Job {
    BasketColumn* col;
    size_t index;
    std::shared_ptr<const Basket> basket;
    ScanStats stats;
  };
  std::vector<Job> jobs;
  const size_t lookahead = static_cast<size_t>(pool_->num_threads());
  for (BasketColumn* col : columns_) {
    // The baskets of [start, stop), and at least `lookahead` baskets from `start` on (within
    // the scan), so that one column with big baskets still keeps every thread busy; memory
    // stays at a few baskets per column.
    size_t taken = 0;
    for (size_t i = 0; i < col->baskets.size(); ++i) {
      const BasketSlot& r = col->baskets[i];
      if (r.entry_stop <= start || r.entry_start >= stop_entry_) continue;
      if (r.entry_start >= stop && taken >= lookahead) break;
      ++taken;
      if (r.embedded || i == col->cached_index || col->ready.count(i)) continue;
      jobs.push_back({col, i, nullptr, {}});
    }
  }
  if (jobs.size() < 2) return;
  pool_->ParallelFor(jobs.size(), [&](size_t k) {
    Job& j = jobs[k];
    auto loaded = Load(*j.col, j.index, &j.stats);
    if (loaded.ok()) j.basket = std::move(*loaded);
  });
  for (Job& j : jobs) {
    if (!j.basket) continue;
    j.col->ready.emplace(j.index, std::move(j.basket));
    AddLoadStats(&j.col->pending_stats, j.stats);
  }
}

/// The baskets to fetch next, from entry max(planned_until_, next) on, within the byte budget.
PrefetchWindow BasketLoader::PlanWindow(int64_t next) {
  const int64_t from = std::max(planned_until_, next);
  std::vector<PrefetchCandidate> candidates;
  for (const BasketColumn* col : columns_) {
    for (size_t i = 0; i < col->baskets.size(); ++i) {
      const BasketSlot& r = col->baskets[i];
      if (r.embedded || r.bytes == 0 || r.entry_stop <= from || r.entry_start >= stop_entry_) continue;
      if (i == col->cached_index || prefetched_.count(r.seek)) continue;
      if (source_->HasInMemory(r.seek, r.bytes)) continue;  // read at open (head/tail)
      if (pending_.valid() &&
          std::find(pending_window_.seeks.begin(), pending_window_.seeks.end(), r.seek) !=
              pending_window_.seeks.end()) {
        continue;
      }
      candidates.push_back({r.entry_start, r.entry_stop, r.seek, r.bytes});
    }
  }
  const uint64_t budget = options_.max_prefetch_bytes > prefetched_bytes_
                              ? options_.max_prefetch_bytes - prefetched_bytes_
                              : 0;
  PrefetchWindow w = PlanPrefetchWindow(std::move(candidates), from, stop_entry_, budget);
  planned_until_ = w.planned_until;
  return w;
}

void BasketLoader::AddFetched(const PrefetchWindow& window, std::vector<Bytes> data) {
  std::lock_guard<std::mutex> lock(prefetch_mu_);
  for (size_t i = 0; i < window.seeks.size() && i < data.size(); ++i) {
    prefetched_bytes_ += data[i].size();
    prefetched_.emplace(window.seeks[i], std::move(data[i]));
  }
}

void BasketLoader::CollectPending() {
  if (!pending_.valid()) return;
  auto fetched = pending_.get();
  // A failed prefetch is only advice: the baskets are then read one by one, and that read
  // reports the error with the branch and basket it concerns (after the source's retries).
  if (fetched.ok()) AddFetched(pending_window_, std::move(*fetched));
  pending_window_ = PrefetchWindow{};
}

void BasketLoader::PrefetchBatch(int64_t next, int64_t stop, ScanStats* stats) {
  if (!prefetch_) return;
  CollectPending();
  while (planned_until_ < stop) {
    const int64_t before = planned_until_;
    PrefetchWindow w = PlanWindow(next);
    if (w.ranges.empty()) break;
    stats->num_prefetch_requests += CoalesceRanges(w.ranges, options_.coalesce).size();
    auto fetched = FetchRanges(*source_, w.ranges, options_.coalesce,
                               options_.max_requests_in_flight, stop_.get_token());
    if (!fetched.ok()) break;  // see CollectPending
    AddFetched(w, std::move(*fetched));
    if (planned_until_ <= before || prefetched_bytes_ >= options_.max_prefetch_bytes) break;
  }
}

void BasketLoader::FetchAhead(int64_t next, ScanStats* stats) {
  if (!prefetch_ || pending_.valid() || next >= stop_entry_ || planned_until_ >= stop_entry_ ||
      prefetched_bytes_ >= options_.max_prefetch_bytes / 2) {
    return;
  }
  // Fetch the next window while the caller works on this batch.
  PrefetchWindow w = PlanWindow(next);
  if (w.ranges.empty()) return;
  std::shared_ptr<byte_source::ByteSource> source = source_;
  CoalesceOptions co = options_.coalesce;
  int in_flight = options_.max_requests_in_flight;
  stats->num_prefetch_requests += CoalesceRanges(w.ranges, co).size();
  pending_window_ = w;
  pending_ = std::async(std::launch::async,
                        [source, ranges = w.ranges, co, in_flight, stop = stop_.get_token()] {
                          return FetchRanges(*source, ranges, co, in_flight, stop);
                        });
}

}  // namespace arrowroot::scan
