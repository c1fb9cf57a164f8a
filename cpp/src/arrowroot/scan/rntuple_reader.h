// RNTupleReader: an RNTuple's top-level fields as Arrow record batches — the RNTuple
// counterpart of TreeReader, behind the same public Tree API.
//
// A scan works cluster by cluster: it plans the columns the requested fields need in the
// cluster (the active column representation of each), fetches their pages (remote: coalesced
// into few bounded GETs, read_plan.h), checks, decompresses and decodes every page in
// parallel, then cuts the cluster's entries into batches. Batches never cross clusters.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arrowroot/common/status.h"
#include "arrowroot/root_format/rntuple/rntuple.h"
#include "arrowroot/root_format/root_file.h"
#include "arrowroot/scan/batch_stream.h"
#include "arrowroot/scan/column_info.h"
#include "arrowroot/scan/scan_options.h"

namespace arrowroot::scan {

/// Immutable after Open(): every const method may be called from any thread.
class RNTupleReader : public std::enable_shared_from_this<RNTupleReader> {
 public:
  static Result<std::shared_ptr<RNTupleReader>> Open(std::shared_ptr<root_format::RootFile> file,
                                                     const std::string& path);
  ~RNTupleReader();
  RNTupleReader(const RNTupleReader&) = delete;
  RNTupleReader& operator=(const RNTupleReader&) = delete;

  const std::string& path() const;
  const std::string& description() const;
  int64_t num_entries() const;
  const root_format::rntuple::RNTuple& ntuple() const;
  const root_format::RootFile& file() const;

  /// Every top-level field, in schema order, with its Arrow type or why it cannot be read.
  const std::vector<ColumnInfo>& columns() const;
  /// The cluster boundaries, {0, ..., num_entries} (the fields' pages never cross them).
  /// `fields` (ScanOptions::fields) is checked as Scan checks it.
  Result<std::vector<int64_t>> CommonEntryOffsets(
      const std::vector<std::string>& columns,
      const std::vector<std::vector<std::string>>& fields = {}) const;
  /// Decoded bytes per entry of the given fields (all readable ones if empty); with nested
  /// field paths, of the subfields a scan reads.
  Result<double> BytesPerEntry(const std::vector<std::string>& columns,
                               const std::vector<std::vector<std::string>>& fields = {}) const;
  /// Start reading: NotFound for unknown fields, Unsupported for unreadable ones,
  /// InvalidArgument for bad ranges.
  Result<std::unique_ptr<BatchStream>> Scan(const ScanOptions& options) const;

  struct State;
  const State* state() const { return state_.get(); }

 private:
  RNTupleReader();
  std::unique_ptr<State> state_;
};

}  // namespace arrowroot::scan
