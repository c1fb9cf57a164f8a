// A minimal owned Arrow array model (types, buffers, builders) and its export through the
// Arrow C Data Interface. No dependency on the Arrow C++ library: Debian 12 does not ship it,
// and consumers (pyarrow, polars, duckdb) import the C structs directly.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "arrowroot/c_abi.h"
#include "arrowroot/common/pod_vector.h"
#include "arrowroot/common/status.h"

namespace arrowroot::to_arrow {

enum class TypeId {
  kBool, kInt8, kUInt8, kInt16, kUInt16, kInt32, kUInt32, kInt64, kUInt64, kFloat32, kFloat64,
  kUtf8, kBinary, kList, kFixedSizeList, kStruct,
  kMap,  ///< list of struct<key, value> entries
};

struct Field;

/// One Arrow buffer (values, offsets or bytes); not zeroed when sized.
using Buffer = PodVector<uint8_t>;

struct DataType {
  TypeId id = TypeId::kInt32;
  int32_t list_size = 0;             ///< kFixedSizeList
  std::vector<Field> children;       ///< kList/kFixedSizeList: one ("item"); kStruct: fields

  /// Arrow C format string ("f", "+l", "+w:3", ...).
  std::string Format() const;
  /// Readable name ("list<float32>").
  std::string ToString() const;
  /// Byte width of a fixed-width primitive (bool counts as 1 here), else 0.
  int ByteWidth() const;
};

struct Field {
  std::string name;
  std::shared_ptr<DataType> type;
  bool nullable = false;  ///< may hold nulls (a pointer to an object); the rest never does
};

std::shared_ptr<DataType> MakePrimitive(TypeId id);
std::shared_ptr<DataType> MakeList(std::shared_ptr<DataType> item, bool nullable_items = false);
std::shared_ptr<DataType> MakeFixedSizeList(std::shared_ptr<DataType> item, int32_t n);
std::shared_ptr<DataType> MakeStruct(std::vector<Field> fields);
std::shared_ptr<DataType> MakeMap(std::shared_ptr<DataType> key, std::shared_ptr<DataType> value);

/// Owned array data: buffers laid out as the Arrow columnar format requires.
/// Buffers: primitives [validity, values]; bool values are bit-packed; utf8/binary
/// [validity, int32 offsets, bytes]; list [validity, int32 offsets]; fixed-size list and
/// struct [validity]. The validity bitmap is kept apart and present only with nulls.
struct ArrayData {
  std::shared_ptr<DataType> type;
  int64_t length = 0;
  std::vector<Buffer> buffers;  ///< excluding validity
  std::vector<std::shared_ptr<ArrayData>> children;
  int64_t null_count = 0;
  Buffer validity;  ///< bit-packed, LSB first; empty when null_count is 0

  /// A slice (made by Slice): entries [offset, offset + length) of `base`, whose buffers and
  /// children it shares (exported with ArrowArray::offset); its own buffers stay empty.
  std::shared_ptr<const ArrayData> base;
  int64_t offset = 0;
};

/// Entries [offset, offset + length) of `whole`, without copying (the slice keeps it alive).
std::shared_ptr<ArrayData> Slice(std::shared_ptr<const ArrayData> whole, int64_t offset,
                                 int64_t length);

/// Appends values of one type; a tree that mirrors DataType. Not thread-safe.
class ArrayBuilder {
 public:
  explicit ArrayBuilder(std::shared_ptr<DataType> type);
  const std::shared_ptr<DataType>& type() const { return type_; }
  int64_t length() const { return length_; }

  // Primitives: append raw native-endian values (bool as one byte 0/1).
  Buffer& values() { return values_; }
  void AddLength(int64_t n) { length_ += n; }

  // utf8/binary and lists: offsets are maintained here.
  PodVector<int32_t>& offsets() { return offsets_; }
  Buffer& bytes() { return values_; }
  ArrayBuilder& child(size_t i) { return *children_[i]; }
  size_t num_children() const { return children_.size(); }

  /// Check that a list/string can grow by `n` more offset units without overflowing int32.
  Status CheckOffsetRoom(uint64_t n) const;

  /// Append a null: a default value (zero, empty; a struct's children get theirs) marked
  /// invalid in the validity bitmap.
  void AppendNull();

  /// Make room for `factor` times what is held now (every buffer, recursively), once the
  /// first part of a batch shows how big its entries are: the rest then fills without
  /// reallocating and copying.
  void ReserveScaled(double factor);

  /// Move the built data out and reset (same type).
  Result<std::shared_ptr<ArrayData>> Finish();

  /// Approximate memory held.
  uint64_t num_bytes() const;

 private:
  std::shared_ptr<DataType> type_;
  int64_t length_ = 0;
  /// Append a default value (zero, empty), valid.
  void AppendDefault();

  Buffer values_;
  PodVector<int32_t> offsets_;
  /// One byte per value (1 valid, 0 null) up to the last null; empty until the first null.
  PodVector<uint8_t> valid_;
  int64_t null_count_ = 0;
  std::vector<std::unique_ptr<ArrayBuilder>> children_;
};

/// A batch of equal-length columns.
struct RecordBatch {
  std::vector<Field> fields;
  std::vector<std::shared_ptr<ArrayData>> columns;
  int64_t num_rows = 0;
};

/// Export a schema (a struct of `fields`) into `out`; the consumer calls out->release.
void ExportSchema(const std::vector<Field>& fields, ArrowSchema* out);
void ExportField(const Field& field, ArrowSchema* out);
/// Export a batch as a struct array; shares buffers (no copy) and keeps them alive until release.
void ExportBatch(const RecordBatch& batch, ArrowArray* out);
/// Where a stream's batches come from: the next batch, nullopt at the end, or an error.
using BatchSource = std::function<Result<std::optional<RecordBatch>>()>;
/// Export a stream of batches with schema `fields`: get_next calls `next` (on the consumer's
/// thread), an error becomes StreamErrno(status) with the one-line message from
/// get_last_error. The stream owns `next` until released.
void ExportBatchStream(std::vector<Field> fields, BatchSource next, ArrowArrayStream* out);
/// Export already-decoded batches as a stream; the stream shares their buffers (no copy) and
/// owns them until released.
void ExportBatchStream(std::vector<Field> fields, std::vector<RecordBatch> batches,
                       ArrowArrayStream* out);
/// The errno a stream's get_next returns for a failure: EIO for storage errors, else EINVAL.
int StreamErrno(const Status& status);

}  // namespace arrowroot::to_arrow
