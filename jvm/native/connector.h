// The Spark connector's engine side, in plain C++ on the public API (the JNI glue in
// jni_bridge.cc only converts Java values to these and Status to exceptions): what the driver
// plans from (a file's tree, entries, cluster bounds, bytes per entry, Spark-ready schema) and
// the scans the executors run (batches laid out for Spark's ArrowColumnVector).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arrowroot/arrowroot.h"

namespace arrowroot::jni {

/// What the driver plans one file from.
struct FileDescription {
  std::string tree;                  ///< the tree's path in the file (resolved when not given)
  int64_t num_entries = 0;
  double bytes_per_entry = 0;        ///< decoded bytes per entry of the selected columns
  std::vector<int64_t> clusters;     ///< entry bounds no basket crosses, 0 … num_entries
  std::vector<std::string> columns;  ///< the columns read, in schema order
  /// Columns left out because Spark has no type for them: "name (arrow type): why".
  std::vector<std::string> left_out;
};

/// The tree to read: `tree` when given, else the file's only TTree/RNTuple (InvalidArgument
/// naming the trees when there are several or none).
Result<std::string> ResolveTree(const File& file, const std::string& tree);

/// Describe `tree` of `path` for the columns (empty = every column Spark can hold: the others
/// are listed in left_out) and the nested fields kept of them (ScanOptions::fields: Spark's
/// nested schema pruning). `schema` receives the Spark-ready Arrow schema (caller releases).
Result<FileDescription> Describe(const std::string& path, const std::string& tree,
                                 const std::vector<std::string>& columns,
                                 const std::vector<std::vector<std::string>>& fields,
                                 const StorageOptions& storage, ArrowSchema* schema);

/// One partition piece's scan, batches laid out for Spark (spark_layout.h).
class SparkScan {
 public:
  static Result<std::unique_ptr<SparkScan>> Open(const std::string& path, const std::string& tree,
                                                 const ScanOptions& options,
                                                 const StorageOptions& storage);
  /// The Spark-ready schema of every batch (caller releases).
  Status Schema(ArrowSchema* out) const;
  /// The next batch into `out`; false at the end (out untouched).
  Result<bool> Next(ArrowArray* out);
  /// The file's I/O counters and the entries read so far.
  IoStats io_stats() const { return file_->io_stats(); }
  int64_t entries_read() const { return entries_read_; }

  ~SparkScan();

 private:
  SparkScan() = default;
  std::shared_ptr<File> file_;
  std::unique_ptr<Scanner> scanner_;
  ArrowSchema engine_schema_{};
  std::string tree_;
  int64_t entry_start_ = 0;
  int64_t entries_read_ = 0;
};

}  // namespace arrowroot::jni
