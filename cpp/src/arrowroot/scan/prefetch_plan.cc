#include "arrowroot/scan/prefetch_plan.h"

#include <algorithm>

namespace arrowroot::scan {

PrefetchWindow PlanPrefetchWindow(std::vector<PrefetchCandidate> candidates, int64_t from,
                                  int64_t stop, uint64_t budget_bytes) {
  std::erase_if(candidates, [&](const PrefetchCandidate& c) {
    return c.bytes == 0 || c.entry_stop <= from || c.entry_start >= stop;
  });
  // Entry order, so the decoder finds the baskets it needs next in the first window; seek order
  // among a batch's baskets, so the coalesced requests read the file forward.
  std::sort(candidates.begin(), candidates.end(),
            [](const PrefetchCandidate& a, const PrefetchCandidate& b) {
              return a.entry_start != b.entry_start ? a.entry_start < b.entry_start
                                                    : a.seek < b.seek;
            });
  PrefetchWindow w;
  uint64_t total = 0;
  w.planned_until = stop;
  for (const PrefetchCandidate& c : candidates) {
    if (!w.ranges.empty() && total + c.bytes > budget_bytes) {
      w.planned_until = c.entry_start;  // everything starting before this is in the window
      break;
    }
    if (std::find(w.seeks.begin(), w.seeks.end(), c.seek) != w.seeks.end()) continue;
    total += c.bytes;
    w.seeks.push_back(c.seek);
    w.ranges.push_back({c.seek, c.bytes});
  }
  if (w.planned_until < from) w.planned_until = from;
  return w;
}

}  // namespace arrowroot::scan
