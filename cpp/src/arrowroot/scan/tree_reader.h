// TreeReader: a TTree's columns as Arrow record batches — the engine API the CLI, the Python
// package and the Spark source use. The only layer that decides what to fetch and when.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <future>
#include <mutex>
#include <unordered_map>

#include "arrowroot/c_abi.h"
#include "arrowroot/common/status.h"
#include "arrowroot/root_format/basket.h"
#include "arrowroot/root_format/root_file.h"
#include "arrowroot/to_arrow/arrow_array.h"
#include "arrowroot/to_arrow/column_plan.h"
#include "arrowroot/scan/read_plan.h"
#include "arrowroot/scan/thread_pool.h"

namespace arrowroot::scan {

/// One branch as the schema shows it.
struct ColumnInfo {
  std::string name;       ///< full path, "evt/P3/P3.Px" (a repeated sibling name: "Particle;2")
  std::string root_type;  ///< C++ type as ROOT declares it
  std::shared_ptr<to_arrow::DataType> type;  ///< nullptr when unsupported
  Status status;          ///< Unsupported (why) or OK
  /// A branch without data of its own, read as a struct of its sub-branches (uproot's
  /// AsGrouped). Not among the columns read by default: its sub-branches are.
  bool is_group = false;
  /// May hold nulls (a pointer to an object).
  bool nullable = false;
};

struct ScanOptions {
  /// Branch names or full paths; empty = every supported column.
  std::vector<std::string> columns;
  int64_t entry_start = 0;
  /// -1 = to the end.
  int64_t entry_stop = -1;
  /// Entries per batch; memory per batch is bounded by this times the entry size.
  int64_t batch_size = 65536;
  /// Also end a batch early once its columns hold this many bytes (0 = no limit).
  uint64_t max_batch_bytes = 256ull << 20;

  /// Fetching baskets ahead of decoding, merged into few requests (read_plan.h). kAuto does it
  /// for remote sources (HTTP, S3) and reads local files basket by basket.
  enum class Prefetch { kAuto, kAlways, kNever };
  Prefetch prefetch = Prefetch::kAuto;
  CoalesceOptions coalesce;
  /// Requests in flight at once while prefetching.
  int max_requests_in_flight = 32;
  /// Compressed bytes fetched ahead of the decoder at most (one window; at least one basket).
  uint64_t max_prefetch_bytes = 128ull << 20;
  /// Threads that read, decompress and decode columns in parallel (the caller's included);
  /// 0 = one per core (at most 16), 1 = all on the calling thread.
  int num_threads = 0;
};

/// Counters of one scan.
struct ScanStats {
  uint64_t num_baskets = 0;
  uint64_t num_basket_bytes = 0;        ///< on disk (compressed)
  uint64_t num_uncompressed_bytes = 0;  ///< after decompression
  uint64_t num_entries = 0;
  uint64_t num_prefetched_baskets = 0;  ///< baskets that came from a coalesced prefetch
  uint64_t num_prefetch_requests = 0;   ///< coalesced requests issued
};

class BatchReader;

/// A TTree opened for reading. Immutable and shareable after Open().
class TreeReader : public std::enable_shared_from_this<TreeReader> {
 public:
  static Result<std::shared_ptr<TreeReader>> Open(std::shared_ptr<root_format::RootFile> file,
                                                  const std::string& tree_path);

  const root_format::Tree& tree() const { return *tree_; }
  const std::string& path() const { return path_; }
  const root_format::RootFile& file() const { return *file_; }
  /// The tree's entries: fEntries, unless no branch holds that many (a corrupt fEntries; a
  /// tree whose branches hold nothing keeps fEntries), then the most any branch holds.
  int64_t num_entries() const { return num_entries_; }

  /// Every branch, in tree order (depth first, a parent before its sub-branches), with its
  /// Arrow type or the reason it cannot be read.
  const std::vector<ColumnInfo>& columns() const { return columns_; }

  /// Entry boundaries shared by the baskets of the given columns (all if empty), e.g.
  /// {0, 200, 400, 501}: ranges split there never fetch a basket twice.
  Result<std::vector<int64_t>> CommonEntryOffsets(const std::vector<std::string>& columns) const;

  /// Start reading. NotFound for unknown columns, InvalidArgument for bad ranges; Unsupported if a
  /// requested column cannot be read (the message names the branch and its C++ type).
  Result<std::unique_ptr<BatchReader>> Scan(const ScanOptions& options) const;

  /// Estimated decoded bytes per entry of the given columns (all readable ones if empty), from
  /// the branches' uncompressed sizes (fTotBytes); turns a memory budget into an entry count.
  Result<double> BytesPerEntry(const std::vector<std::string>& columns) const;

 private:
  friend class BatchReader;
  TreeReader() = default;
  Result<to_arrow::ColumnPlan> Plan(const root_format::Branch& b) const;
  /// Indices into columns_ of the named columns (all readable ones but groups if empty).
  Result<std::vector<size_t>> Resolve(const std::vector<std::string>& names) const;
  /// The plans of the branches column `i` reads (a group's: its members', recursively).
  void CollectPlans(size_t i, std::vector<const to_arrow::ColumnPlan*>* out) const;

  std::shared_ptr<root_format::RootFile> file_;
  std::shared_ptr<const root_format::Tree> tree_;
  std::string path_;
  std::vector<ColumnInfo> columns_;
  std::vector<to_arrow::ColumnPlan> plans_;  ///< parallel to columns_ (valid where status ok)
  std::vector<std::vector<size_t>> members_;  ///< parallel to columns_: a group's sub-branches
  std::unordered_map<std::string, size_t> by_name_;  ///< column name -> index
  int64_t num_entries_ = 0;
};

/// Produces record batches in entry order. Not thread-safe; one consumer.
class BatchReader {
 public:
  ~BatchReader();
  const std::vector<to_arrow::Field>& schema() const { return fields_; }
  /// The next batch, or nullopt at the end.
  Result<std::optional<to_arrow::RecordBatch>> Next();
  const ScanStats& stats() const { return stats_; }

  /// Hand this reader over as an ArrowArrayStream (the reader is moved into the stream).
  static void ExportStream(std::unique_ptr<BatchReader> reader, ArrowArrayStream* out);

 private:
  friend class TreeReader;
  struct ColumnState;
  struct AsyncLoad;
  BatchReader() = default;
  Status ReadColumn(ColumnState& col, int64_t start, int64_t stop, to_arrow::ArrayBuilder& out);
  Result<std::shared_ptr<const root_format::Basket>> GetBasket(ColumnState& col, size_t index);
  /// Read and decompress one basket; thread-safe (touches no column state), counts in `stats`.
  Result<std::shared_ptr<const root_format::Basket>> LoadBasket(const ColumnState& col,
                                                                size_t index, ScanStats* stats);
  /// Load the baskets of entries [start, stop) of every column in parallel on the pool.
  void PreloadBaskets(int64_t start, int64_t stop);
  /// Load a basket claimed by nobody else (see AsyncLoad in the .cc); false if already claimed.
  bool RunLoad(const ColumnState& col, size_t index, AsyncLoad& load);
  /// Local sources: queue pool tasks loading the baskets of [start, stop) of every column
  /// and a few beyond; GetBasket takes them (or loads one itself if no task has started it).
  void SubmitLoads(int64_t start, int64_t stop);
  Result<std::vector<int64_t>> CounterValues(ColumnState& col, int64_t start, int64_t stop);

  // Prefetching (remote sources): baskets fetched ahead, keyed by their seek.
  struct Window {
    std::vector<uint64_t> seeks;
    std::vector<ByteRange> ranges;
  };
  /// The baskets to fetch next, from entry max(planned_until_, next_) on, within the byte budget.
  Window PlanWindow();
  void AddFetched(const Window& window, std::vector<Bytes> data);
  /// Make sure the baskets of entries [next_, stop) are fetched or being fetched.
  void Prefetch(int64_t stop);
  void CollectPending();

  /// Fold the columns' per-thread counters into stats_ (on the calling thread).
  void FoldStats();

  std::vector<std::vector<ColumnState*>> groups_;  ///< read in parallel, one group per task
  std::unique_ptr<ThreadPool> pool_;               ///< null when single-threaded
  std::mutex prefetch_mu_;                         ///< prefetched_ and prefetched_bytes_
  bool prefetch_ = false;
  int64_t planned_until_ = 0;
  uint64_t prefetched_bytes_ = 0;
  std::unordered_map<uint64_t, Bytes> prefetched_;
  std::future<Result<std::vector<Bytes>>> pending_;
  Window pending_window_;

  /// One output column: a branch read into its state's builder, or a group (a struct of
  /// output columns whose arrays are the members' own).
  struct Output {
    ColumnState* state = nullptr;
    std::vector<Output> members;
    std::shared_ptr<to_arrow::DataType> type;
  };
  std::shared_ptr<to_arrow::ArrayData> Assemble(
      const Output& out, const std::unordered_map<const ColumnState*,
                                                  std::shared_ptr<to_arrow::ArrayData>>& built,
      int64_t num_rows) const;

  std::shared_ptr<const TreeReader> reader_;
  std::vector<to_arrow::Field> fields_;
  std::vector<Output> outputs_;  ///< parallel to fields_
  /// One state per branch read, shared by every output that needs it.
  std::vector<std::unique_ptr<ColumnState>> columns_;
  std::vector<std::unique_ptr<ColumnState>> counters_;  ///< counter branches for offset-less baskets
  int64_t next_ = 0;
  int64_t stop_ = 0;
  ScanOptions options_;
  ScanStats stats_;
};

}  // namespace arrowroot::scan
