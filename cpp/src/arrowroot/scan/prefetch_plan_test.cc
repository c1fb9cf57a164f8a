#include "arrowroot/scan/prefetch_plan.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace arrowroot::scan {
namespace {

struct Case {
  std::string name;
  std::vector<PrefetchCandidate> candidates;  // {entry_start, entry_stop, seek, bytes}
  int64_t from;
  int64_t stop;
  uint64_t budget;
  std::vector<uint64_t> seeks;  // expected, in order
  int64_t planned_until;        // expected
};

TEST(PlanPrefetchWindow, TakesBasketsInEntryOrderWithinTheBudget) {
  const std::vector<Case> cases = {
      {"nothing to fetch", {}, 0, 100, 1000, {}, 100},
      {"everything fits",
       {{50, 100, 900, 10}, {0, 50, 100, 10}, {0, 50, 500, 10}},
       0, 100, 1000, {100, 500, 900}, 100},
      {"same first entry: seek order", {{0, 10, 700, 5}, {0, 10, 300, 5}}, 0, 10, 100, {300, 700}, 10},
      {"budget cuts: planned up to the first basket left out",
       {{0, 50, 100, 60}, {50, 100, 200, 60}, {100, 150, 300, 60}},
       0, 150, 130, {100, 200}, 100},
      {"the first basket is taken even over the budget",
       {{0, 50, 100, 500}, {50, 100, 200, 10}}, 0, 100, 100, {100}, 50},
      {"a basket shared by two columns is fetched once",
       {{0, 50, 100, 10}, {0, 50, 100, 10}, {50, 100, 200, 10}}, 0, 100, 1000, {100, 200}, 100},
      {"baskets outside [from, stop) and empty ones are left out",
       {{0, 10, 100, 10}, {10, 20, 200, 10}, {20, 30, 300, 0}, {30, 40, 400, 10}, {40, 50, 500, 10}},
       10, 40, 1000, {200, 400}, 40},
      {"planned_until never falls below from",
       {{0, 50, 100, 60}, {0, 50, 200, 60}}, 20, 50, 60, {100}, 20},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    PrefetchWindow w = PlanPrefetchWindow(c.candidates, c.from, c.stop, c.budget);
    EXPECT_EQ(w.seeks, c.seeks);
    ASSERT_EQ(w.ranges.size(), w.seeks.size());
    for (size_t i = 0; i < w.seeks.size(); ++i) EXPECT_EQ(w.ranges[i].offset, w.seeks[i]);
    EXPECT_EQ(w.planned_until, c.planned_until);
  }
}

TEST(PlanPrefetchWindow, RangesCarryEachBasketsBytes) {
  PrefetchWindow w = PlanPrefetchWindow({{0, 5, 64, 32}, {5, 9, 16, 8}}, 0, 9, 1 << 20);
  ASSERT_EQ(w.ranges.size(), 2u);
  EXPECT_EQ(w.ranges[0], (ByteRange{64, 32}));
  EXPECT_EQ(w.ranges[1], (ByteRange{16, 8}));
}

}  // namespace
}  // namespace arrowroot::scan
