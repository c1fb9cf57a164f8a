#include "arrowroot/scan/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace arrowroot::scan {
namespace {

TEST(ThreadPool, ParallelForCallsEveryIndexOnceAcrossRepeatedLoops) {
  for (int threads : {1, 2, 4}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.num_threads(), threads);
    for (size_t n : {0u, 1u, 3u, 100u, 1000u}) {
      std::vector<std::atomic<int>> calls(n);
      pool.ParallelFor(n, [&](size_t i) { calls[i].fetch_add(1); });
      for (size_t i = 0; i < n; ++i) ASSERT_EQ(calls[i].load(), 1) << threads << " " << n << " " << i;
    }
  }
}

TEST(ThreadPool, UsesMoreThanOneThread) {
  ThreadPool pool(2);
  std::mutex mu;
  std::set<std::thread::id> ids;
  std::atomic<int> arrived{0};
  // Each call waits until both have started: only possible if two threads run them.
  pool.ParallelFor(2, [&](size_t) {
    {
      std::lock_guard<std::mutex> lock(mu);
      ids.insert(std::this_thread::get_id());
    }
    arrived.fetch_add(1);
    while (arrived.load() < 2) std::this_thread::yield();
  });
  EXPECT_EQ(ids.size(), 2u);
}

TEST(ResolveThreadCount, ZeroMeansOnePerCoreAtLeastOne) {
  EXPECT_EQ(ResolveThreadCount(3), 3);
  EXPECT_GE(ResolveThreadCount(0), 1);
  EXPECT_LE(ResolveThreadCount(0), 16);
}

}  // namespace
}  // namespace arrowroot::scan
