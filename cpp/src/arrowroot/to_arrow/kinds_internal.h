// The per-kind plan and decode units behind PlanColumn (column_plan.cc) and DecodeBasket
// (decode.cc), as uproot splits interpretation into numerical / jagged / strings / objects:
//   decode_fixed.cc    every entry the same size: numeric leaves, leaf lists, clones counts
//   decode_jagged.cc   k fixed-size items an entry, after an optional per-entry header
//   decode_strings.cc  TString / char* columns and the string bytes of every kind
//   plan_objects.cc    streamer infos and C++ type names → a Node tree (objects, STL)
//   decode_objects.cc  the per-entry Node interpreter (NodeReader)
// Plans are made once per column; decoders run once per basket, with their hot loops inside.
// Internal to to_arrow.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "arrowroot/common/status.h"
#include "arrowroot/root_format/basket.h"
#include "arrowroot/root_format/model.h"
#include "arrowroot/to_arrow/arrow_array.h"
#include "arrowroot/to_arrow/column_plan.h"
#include "arrowroot/to_arrow/identify.h"

namespace arrowroot::to_arrow {

// --- Node building blocks (plans) -------------------------------------------------------------

inline Node PrimNode(const Prim& p) {
  Node n;
  n.kind = Node::Kind::kPrim;
  n.prim = p;
  return n;
}

inline Node KindNode(Node::Kind kind, bool header = false) {
  Node n;
  n.kind = kind;
  n.header = header;
  return n;
}

/// Wrap `inner` in fixed arrays, outermost dimension first.
Node WrapFixed(Node inner, const std::vector<int32_t>& dims);

// --- fixed (decode_fixed.cc) ------------------------------------------------------------------

/// A split TClonesArray's top branch: one int32 per entry, the number of objects.
void PlanClonesCount(ColumnPlan& plan);
/// One numeric leaf without a counter: `prim` (of C++ type `cpp`) in the title's fixed dims.
void PlanFixedLeaf(ColumnPlan& plan, const root_format::Leaf& leaf, const Prim& prim,
                   const std::string& cpp);
/// A leaf list "x/D:y/I:z/B": a struct of fixed-size fields, interleaved per entry.
Status PlanLeafList(ColumnPlan& plan, const root_format::Branch& b);
/// Append `count` items of a fixed-size node (prim or nested fixed arrays) from contiguous bytes.
void AppendFixed(const Node& node, const std::byte* src, size_t count, ArrayBuilder& out);
/// Entries [first, last) of a kFixed plan.
Status DecodeFixed(const ColumnPlan& plan, const root_format::Basket& basket, int64_t first,
                   int64_t last, ArrayBuilder& out);

// --- jagged (decode_jagged.cc) ----------------------------------------------------------------

/// One numeric leaf counted by another leaf (x[n], x[n][3]).
void PlanJaggedLeaf(ColumnPlan& plan, const root_format::Leaf& leaf, const Prim& prim,
                    const std::string& cpp);
/// A split object's `T* x; //[n]` member: a flag byte, then the values (uproot header_bytes=1).
void PlanVarArray(ColumnPlan& plan, const root_format::Leaf& leaf, const Prim& prim,
                  const std::string& cpp);
/// Is `node` a top-level std::vector of fixed-size values (the 10-byte-header fast path)?
bool IsJaggedVector(const Node& node);
/// Turn such a vector's plan into a jagged one over its items.
void PlanJaggedVector(ColumnPlan& plan);
/// Entries [first, last) of a kJagged plan; `counts` as DecodeBasket takes them.
Status DecodeJagged(const ColumnPlan& plan, const root_format::Basket& basket, int64_t first,
                    int64_t last, std::span<const int64_t> counts, ArrayBuilder& out);

// --- strings (decode_strings.cc) --------------------------------------------------------------

/// A TString member (`root_type` "TString") or a TLeafC ("char*"), one per entry.
void PlanString(ColumnPlan& plan, const std::string& root_type);
/// A string value: a TString / std::string, with a byte-count header if `header`.
Node StringNode(bool header);
/// Check `len` bytes are UTF-8 and append them as one string value.
Status AppendUtf8(const std::byte* p, size_t len, ArrayBuilder& out);

// --- objects (plan_objects.cc, decode_objects.cc) ---------------------------------------------

/// Objects, STL containers, and members of split objects that are not plain numbers.
Status PlanObject(ColumnPlan& plan, const root_format::Branch& b, const StreamerLookup& streamers);
/// Output types and struct field indices of a node tree (set once, when planning).
Status FinalizeTypes(Node& n);
/// Entries [first, last) of a kPerEntry plan, each read value by value by the Node interpreter.
Status DecodePerEntry(const ColumnPlan& plan, const root_format::Basket& basket, int64_t first,
                      int64_t last, ArrayBuilder& out);

// --- shared -----------------------------------------------------------------------------------

/// "entry 3 of the basket (byte 120)", the context of a decoding error.
std::string EntryWhere(int64_t entry, size_t offset);

}  // namespace arrowroot::to_arrow
