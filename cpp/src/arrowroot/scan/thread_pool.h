// A small fixed pool for data-parallel loops in scan/ (the only layer that owns threads).
// One loop at a time: ParallelFor runs fn(0..n-1) on the workers and the calling thread and
// returns when every call has finished. Not reentrant; one caller (a BatchReader) at a time.
// Beside the loops, Submit queues tasks that workers run when they have no loop work (between
// loops, or after their share of one), so that loading ahead is not held at a loop's barrier.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "arrowroot/scan/scan_options.h"  // kMaxThreads, ResolveThreadCount

namespace arrowroot::scan {

class ThreadPool {
 public:
  /// `num_threads` in all, the caller included (so num_threads - 1 workers are started, or
  /// fewer if the system cannot start more).
  explicit ThreadPool(int num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return static_cast<int>(workers_.size()) + 1; }

  /// Call fn(i) for every i in [0, n), spread over the pool; blocks until all return.
  void ParallelFor(size_t n, const std::function<void(size_t)>& fn);

  /// Queue `task` for a worker with nothing else to do; without workers it runs at once. The
  /// caller keeps what the task uses alive until it has run, and must not wait for it inside a
  /// ParallelFor unless it can run the work itself (every worker may be busy in the loop).
  /// Tasks still queued when the pool is destroyed run on the destroying thread.
  void Submit(std::function<void()> task);

 private:
  void WorkerLoop();
  /// Claim and run indices of the current loop until none are left.
  void Drain();

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  const std::function<void(size_t)>* fn_ = nullptr;  // guarded by mu_
  size_t n_ = 0;                                     // guarded by mu_
  size_t next_ = 0;                                  // guarded by mu_
  size_t finished_ = 0;                              // guarded by mu_
  uint64_t generation_ = 0;                          // guarded by mu_
  bool stop_ = false;                                // guarded by mu_
  std::deque<std::function<void()>> tasks_;          // guarded by mu_
};

}  // namespace arrowroot::scan
