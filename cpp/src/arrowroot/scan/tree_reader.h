// TreeReader: a TTree's columns as Arrow record batches — the engine API the CLI, the Python
// package and the Spark source use. The only layer that decides what to fetch and when.
// Behind it: column_resolution (names → columns), basket_loader (every thread, prefetching),
// prefetch_plan (which baskets a fetch takes) and root_format/basket_list (where baskets are).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "arrowroot/c_abi.h"
#include "arrowroot/common/status.h"
#include "arrowroot/root_format/root_file.h"
#include "arrowroot/scan/batch_stream.h"
#include "arrowroot/scan/column_info.h"
#include "arrowroot/scan/read_plan.h"
#include "arrowroot/scan/scan_options.h"
#include "arrowroot/to_arrow/arrow_array.h"
#include "arrowroot/to_arrow/column_plan.h"

namespace arrowroot::scan {

class BatchReader;

/// A TTree opened for reading. Immutable and shareable after Open(): every const method may be
/// called from any thread.
class TreeReader : public std::enable_shared_from_this<TreeReader> {
 public:
  static Result<std::shared_ptr<TreeReader>> Open(std::shared_ptr<root_format::RootFile> file,
                                                  const std::string& tree_path);
  ~TreeReader();
  TreeReader(const TreeReader&) = delete;
  TreeReader& operator=(const TreeReader&) = delete;

  const root_format::Tree& tree() const;
  const std::string& path() const;
  const root_format::RootFile& file() const;
  /// The tree's entries: fEntries, unless no branch holds that many (a corrupt fEntries; a
  /// tree whose branches hold nothing keeps fEntries), then the most any branch holds.
  int64_t num_entries() const;

  /// Every branch, in tree order (depth first, a parent before its sub-branches), with its
  /// Arrow type or the reason it cannot be read.
  const std::vector<ColumnInfo>& columns() const;

  /// Entry boundaries shared by the baskets of the given columns (all if empty), e.g.
  /// {0, 200, 400, 501}: ranges split there never fetch a basket twice. With `fields`
  /// (ScanOptions::fields), only the baskets of the sub-branches a scan reads count.
  Result<std::vector<int64_t>> CommonEntryOffsets(
      const std::vector<std::string>& columns,
      const std::vector<std::vector<std::string>>& fields = {}) const;

  /// Start reading. NotFound for unknown columns, InvalidArgument for bad ranges; Unsupported if a
  /// requested column cannot be read (the message names the branch and its C++ type).
  Result<std::unique_ptr<BatchReader>> Scan(const ScanOptions& options) const;

  /// Estimated decoded bytes per entry of the given columns (all readable ones if empty), from
  /// the branches' uncompressed sizes (fTotBytes); turns a memory budget into an entry count.
  /// With `fields` (ScanOptions::fields), only the sub-branches a scan reads count.
  Result<double> BytesPerEntry(const std::vector<std::string>& columns,
                               const std::vector<std::vector<std::string>>& fields = {}) const;

 private:
  friend class BatchReader;
  struct State;
  TreeReader();
  std::unique_ptr<State> state_;
};

/// Produces record batches in entry order. Not thread-safe; one consumer. Destroying it mid-scan
/// stops its loads ahead and waits only for those already running.
class BatchReader : public BatchStream {
 public:
  ~BatchReader() override;
  BatchReader(const BatchReader&) = delete;
  BatchReader& operator=(const BatchReader&) = delete;

  const std::vector<to_arrow::Field>& schema() const override;
  /// The next batch, or nullopt at the end.
  Result<std::optional<to_arrow::RecordBatch>> Next() override;
  const ScanStats& stats() const override;

  /// Hand this reader over as an ArrowArrayStream (the reader is moved into the stream).
  static void ExportStream(std::unique_ptr<BatchReader> reader, ArrowArrayStream* out);

 private:
  friend class TreeReader;
  struct State;
  BatchReader();
  std::unique_ptr<State> state_;
};

}  // namespace arrowroot::scan
