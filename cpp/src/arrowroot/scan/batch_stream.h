// BatchStream: record batches in entry order, whatever they are read from (a TTree's
// BatchReader, an RNTuple's). The public API's Scanner holds one.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "arrowroot/c_abi.h"
#include "arrowroot/common/status.h"
#include "arrowroot/scan/scan_options.h"
#include "arrowroot/to_arrow/arrow_array.h"

namespace arrowroot::scan {

/// Not thread-safe: one consumer. Destroying it mid-scan stops its work.
class BatchStream {
 public:
  virtual ~BatchStream() = default;
  virtual const std::vector<to_arrow::Field>& schema() const = 0;
  /// The next batch, or nullopt at the end.
  virtual Result<std::optional<to_arrow::RecordBatch>> Next() = 0;
  virtual const ScanStats& stats() const = 0;

  /// Hand a stream over as an ArrowArrayStream (the stream is moved into it).
  static void Export(std::unique_ptr<BatchStream> stream, ArrowArrayStream* out);
};

}  // namespace arrowroot::scan
