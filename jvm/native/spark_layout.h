// The engine's Arrow batches reshaped for Spark's ArrowColumnVector, as arrow-java 19 imports
// them over the Arrow C Data Interface. Two facts make this adapter necessary:
//  - Spark (4.x) accepts bool, signed int8..int64, float32/64, utf8, binary, list (32-bit
//    offsets), map, struct and null; no unsigned integers, no fixed_size_list, no unions.
//  - arrow-java 19's C Data importer ignores ArrowArray::offset (ArrayImporter builds its
//    field nodes from length and null_count alone), so a sliced array (RNTuple batches cut
//    from a cluster) would be read from its first physical element: silently wrong.
// The output therefore has offset 0 everywhere and only Spark's types:
//   uint8 → int16, uint16 → int32, uint32 → int64, uint64 → int64 (an error above
//   INT64_MAX), fixed_size_list<T, N> → list<T>. Names and nullability are kept; metadata is dropped.
// Buffers are shared with the input wherever a pointer shift suffices; copies are made only
// for widened integers, bitmaps at an offset that is not a multiple of 8, and the offsets of
// former fixed-size lists.
//
// Ownership: SparkSchema writes a new schema tree the caller releases; SparkBatch takes over
// its input array (released with the output's root, or at once on error). Children of an
// output array have a release callback that only marks them released: release the root.
// Thread safety: plain functions on caller-owned data; no shared state.
#pragma once

#include <string>
#include <vector>

#include "arrowroot/c_abi.h"
#include "arrowroot/status.h"

namespace arrowroot::jni {

/// Write into `out` the schema SparkBatch produces for batches of schema `in` (a struct of
/// columns), as a new, independently owned tree (the caller releases it). `in` is not
/// consumed. Unsupported names the top-level column when a column holds a union (Spark has no
/// union type) or a type the engine never produces; `out` is then left untouched.
Status SparkSchema(const ArrowSchema& in, ArrowSchema* out);

/// The top-level columns of `in` (a struct of columns) that SparkSchema rejects, in order: the
/// Java side leaves them out, with a warning, when the user named no columns.
std::vector<std::string> SparkUnsupportedColumns(const ArrowSchema& in);

/// Take over `in` (a batch of schema `engine_schema`) and write into `out` the same values laid
/// out as SparkSchema(engine_schema) describes, with offset 0 at every level. On return
/// in->release is nullptr, also on error (the input is then released and out->release is
/// nullptr). InvalidArgument when a uint64 value exceeds INT64_MAX (naming the column path and
/// the element), when a 32-bit offset would overflow, or when the array contradicts its schema.
Status SparkBatch(const ArrowSchema& engine_schema, ArrowArray* in, ArrowArray* out);

}  // namespace arrowroot::jni
