#include "arrowroot/scan/read_plan.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <numeric>
#include <thread>

namespace arrowroot::scan {

std::vector<CoalescedRead> CoalesceRanges(const std::vector<ByteRange>& ranges,
                                          const CoalesceOptions& options) {
  std::vector<size_t> order;
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (ranges[i].length > 0) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return ranges[a].offset != ranges[b].offset ? ranges[a].offset < ranges[b].offset
                                                : ranges[a].length > ranges[b].length;
  });
  std::vector<CoalescedRead> out;
  uint64_t wanted = 0;  // wanted (non-gap) bytes in out.back()
  for (size_t i : order) {
    const ByteRange& r = ranges[i];
    const uint64_t end = r.offset + r.length;
    if (!out.empty()) {
      CoalescedRead& cur = out.back();
      const uint64_t cur_end = cur.range.offset + cur.range.length;
      const uint64_t merged_end = std::max(cur_end, end);
      const uint64_t gap = r.offset > cur_end ? r.offset - cur_end : 0;
      const bool near = gap <= options.max_gap_bytes ||
                        static_cast<double>(gap) <= options.max_waste_ratio * static_cast<double>(wanted);
      // A range inside the current request always joins it (no extra bytes).
      const bool inside = end <= cur_end;
      if (inside || (near && merged_end - cur.range.offset <= options.max_request_bytes)) {
        wanted += merged_end - cur_end - gap;
        cur.range.length = merged_end - cur.range.offset;
        cur.members.push_back(i);
        continue;
      }
    }
    out.push_back(CoalescedRead{r, {i}});
    wanted = r.length;
  }
  return out;
}

Result<std::vector<Bytes>> FetchRanges(const byte_source::ByteSource& source,
                                       const std::vector<ByteRange>& ranges,
                                       const CoalesceOptions& options, int max_in_flight,
                                       std::stop_token stop) {
  const std::vector<CoalescedRead> reads = CoalesceRanges(ranges, options);
  std::vector<Bytes> out(ranges.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  Status first_error = Status::OK();

  auto worker = [&] {
    while (!failed.load(std::memory_order_relaxed)) {
      if (stop.stop_requested()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.ok()) first_error = Status::Cancelled("fetch stopped");
        failed = true;
        return;
      }
      const size_t k = next.fetch_add(1);
      if (k >= reads.size()) return;
      const CoalescedRead& read = reads[k];
      auto got = source.Read(read.range);
      if (!got.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.ok()) first_error = got.status();
        failed = true;
        return;
      }
      // Each member gets its own buffer: baskets are decoded and dropped independently, so
      // one big request's memory is not pinned by its last unread basket.
      for (size_t i : read.members) {
        const ByteRange& r = ranges[i];
        const auto* begin = got->data() + (r.offset - read.range.offset);
        out[i].assign(begin, begin + r.length);
      }
    }
  };
  const size_t num_threads =
      std::min<size_t>(std::max(1, max_in_flight), reads.size());
  if (num_threads <= 1) {
    worker();
  } else {
    std::vector<std::thread> threads;
    threads.reserve(num_threads);
    for (size_t t = 0; t < num_threads; ++t) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
  }
  if (!first_error.ok()) return first_error;
  return out;
}

}  // namespace arrowroot::scan
