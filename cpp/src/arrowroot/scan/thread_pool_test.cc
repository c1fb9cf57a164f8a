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

TEST(ThreadPool, SubmittedTasksRunBesideLoopsAndNoneIsLeftUnrun) {
  for (int threads : {1, 2, 4}) {
    std::atomic<int> ran{0};
    {
      ThreadPool pool(threads);
      for (int i = 0; i < 50; ++i) pool.Submit([&] { ran.fetch_add(1); });
      // Loops still complete while tasks are queued or running.
      std::vector<std::atomic<int>> calls(100);
      pool.ParallelFor(calls.size(), [&](size_t i) { calls[i].fetch_add(1); });
      for (auto& c : calls) ASSERT_EQ(c.load(), 1);
      for (int i = 0; i < 50; ++i) pool.Submit([&] { ran.fetch_add(1); });
    }  // the destructor runs what no worker took
    EXPECT_EQ(ran.load(), 100) << threads;
  }
}

TEST(ThreadPool, AWorkerRunsATaskWhileTheCallerWaits) {
  ThreadPool pool(2);
  std::atomic<bool> started{false};
  const auto caller = std::this_thread::get_id();
  std::thread::id ran_on;
  pool.Submit([&] {
    ran_on = std::this_thread::get_id();
    started.store(true);
  });
  while (!started.load()) std::this_thread::yield();  // only a worker can run it
  EXPECT_NE(ran_on, caller);
}

TEST(ResolveThreadCount, ZeroMeansOnePerCoreAtLeastOne) {
  EXPECT_EQ(ResolveThreadCount(3), 3);
  EXPECT_GE(ResolveThreadCount(0), 1);
  EXPECT_LE(ResolveThreadCount(0), 16);
}

}  // namespace
}  // namespace arrowroot::scan
