// RNTuple fields → Arrow (pure: no I/O, no threads).
//
// PlanField turns a field of the schema (and its subfields) into a tree of FieldNodes: the Arrow
// type and which columns feed it. Assemble builds the Arrow array of entries [e0, e1) of one
// cluster from that cluster's decoded columns (rntuple_columns.h). The mapping:
//   fundamental types            → primitives (bool → bool; char → int8; std::byte → uint8);
//                                  the column's type is converted to the field's (Double32_t
//                                  stored as SplitReal32 → float64, Real16/Trunc/Quant → float)
//   std::string                  → utf8
//   vector, RVec, set, multiset, unordered_* sets, untyped and proxied collections → list
//   map, multimap, unordered_*maps → map<key, value>
//   std::array<T,N>, T[N]        → fixed_size_list<T>[N];  std::bitset<N> → fixed_size_list<bool>[N]
//   records (classes, pair, tuple) → struct (a base class's members are the record's own)
//   optional, unique_ptr         → the inner type, nullable
//   atomic<T>, enums             → T (the underlying integer)
//   RNTupleCardinality<T>        → uint32 / uint64
//   std::variant<T0, T1, ...>    → dense_union<_0: T0, _1: T1, ..., null: null> (the last
//                                  alternative holds the valueless entries)
// Unsupported (with the field, its type and why): ROOT-streamed fields, an optional variant,
// unknown column types or column/field combinations.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arrowroot/common/pod_vector.h"
#include "arrowroot/common/status.h"
#include "arrowroot/root_format/rntuple/model.h"
#include "arrowroot/to_arrow/arrow_array.h"
#include "arrowroot/to_arrow/field_selection.h"

namespace arrowroot::to_arrow::rntuple {

namespace rf = root_format::rntuple;

enum class NodeKind {
  kPrimitive,    ///< one column, converted to `type`
  kString,       ///< index + char columns
  kList,         ///< index column + one child (the item)
  kMap,          ///< index column + one child (a struct of key, value)
  kFixedList,    ///< no column; one child with `size` items per entry
  kBitset,       ///< one Bit column, `size` bits per entry
  kStruct,       ///< no column; children
  kNullable,     ///< index column (0 or 1 items per entry) + one child
  kCardinality,  ///< index column, read as collection sizes
  kVariant,      ///< Switch column + the alternatives; a dense union (last child: null)
};

struct FieldNode {
  NodeKind kind = NodeKind::kPrimitive;
  uint32_t field_id = 0;
  std::string name;                     ///< the Arrow field name
  std::shared_ptr<DataType> type;       ///< this node's Arrow type
  bool nullable = false;                ///< kNullable: its values may be null
  int32_t size = 0;                     ///< kFixedList, kBitset
  /// The columns per representation (each: principal column first; a string's second is its
  /// chars). One representation is active per cluster (the others are suppressed there).
  std::vector<std::vector<uint32_t>> representations;
  /// Elements of this node's columns per entry when every ancestor is a record or a
  /// fixed-size array (1 at top level, N under an array of N); 0 below a collection.
  uint64_t elements_per_entry = 1;
  std::vector<FieldNode> children;
};

/// Plan a field and its subfields. Unsupported (naming the field, its C++ type and why) when
/// some part of it cannot be read.
Result<FieldNode> PlanField(const rf::Schema& schema, uint32_t field_id);

/// One column of one cluster, decoded: `count` native elements (rntuple_columns.h's
/// NativeWidth(type) bytes each), relative to the cluster. Index columns are kept narrower,
/// as the Arrow offsets they become: count + 1 uint32 slots, slot 0 zero, slot i + 1 element
/// i (IndexSlotBytes; values past INT32_MAX are refused when the page is decoded).
struct DecodedColumn {
  bool present = false;  ///< decoded for this cluster (false: suppressed or not needed)
  rf::ColumnType type = rf::ColumnType::kByte;
  uint64_t count = 0;
  PodVector<std::byte> data;
  /// Fields that read this column in the cluster (a projection shares its source's): when one
  /// alone does, it may take `data` over instead of copying it.
  uint32_t uses = 0;
};

/// `node` (a top-level field, named `column`) with only the record subfields `sel` keeps,
/// recursively; lists, fixed-size arrays and optionals are transparent, a map names "key" or
/// "value" (field_selection.h). Its types are rebuilt to match, and CollectColumns then needs
/// only the kept subfields' columns. NotFound for a subfield the record lacks (listing its
/// subfields), InvalidArgument for a path into a field that holds no record.
Result<FieldNode> PruneField(const FieldNode& node, const FieldSelection& sel,
                             const std::string& column);

/// The columns a node reads in `cluster` (the active representation of it and of every
/// descendant), with how many elements each needs per entry (0 = decided by the parent).
struct ColumnNeed {
  uint32_t column_id = 0;
  uint64_t elements_per_entry = 0;
};
void CollectColumns(const FieldNode& node, const rf::ClusterDesc& cluster,
                    std::vector<ColumnNeed>* out);

/// Whether a decoded column of this type uses the index layout (see DecodedColumn).
bool IsIndexColumn(rf::ColumnType type);
/// The bytes a decoded column of `count` elements takes.
uint64_t DecodedBytes(rf::ColumnType type, uint64_t count);

/// The Arrow array of entries [e0, e1) (relative to the cluster) of a top-level node, from the
/// cluster's decoded columns (indexed by column id). A column whose every element the array
/// holds as they are (same type) is moved into it, not copied, when no other field uses it.
/// Corruption when index columns point outside their child columns or decrease.
Result<std::shared_ptr<ArrayData>> Assemble(const FieldNode& node,
                                            std::vector<DecodedColumn>& columns,
                                            uint64_t e0, uint64_t e1);

}  // namespace arrowroot::to_arrow::rntuple
