// Jagged columns: k fixed-size items an entry after an optional per-entry header — leaf
// arrays counted by another leaf (x[n]/F, no header), a split object's `T* x; //[n]` members
// (a 1-byte flag) and top-level std::vector<T> of fixed-size T (the 10-byte bytecount +
// version + size header). Entry offsets become Arrow list offsets (uproot
// interpretation/jagged.py).
#include <bit>

#include "arrowroot/common/byteswap.h"
#include "arrowroot/root_format/wire.h"
#include "arrowroot/to_arrow/kinds_internal.h"
#include "arrowroot/to_arrow/offsets.h"

namespace arrowroot::to_arrow {

using root_format::Basket;
using root_format::Leaf;

void PlanJaggedLeaf(ColumnPlan& plan, const Leaf& leaf, const Prim& prim, const std::string& cpp) {
  std::string counter;
  std::vector<int32_t> dims;
  ParseDims(leaf.title, &counter, &dims);
  plan.mode = ColumnPlan::Mode::kJagged;
  // Inner fixed dims after the counter, e.g. x[n][3].
  int64_t product = 1;
  for (int32_t d : dims) product *= d;
  if (leaf.len > 1 && product != leaf.len) dims = {leaf.len};
  if (leaf.len <= 1) dims.clear();
  plan.node = WrapFixed(PrimNode(prim), dims);
  plan.count_branch = leaf.leaf_count->branch;
  int t = leaf.element_type;
  plan.header_bytes = (leaf.class_name == "TLeafElement" && root_format::IsBasicPointerType(t))
                          ? static_cast<int32_t>(root_format::kBasicPointerFlagBytes)
                          : 0;
  plan.root_type = cpp + "[" + leaf.leaf_count->name + "]";
  for (int32_t d : dims) plan.root_type += "[" + std::to_string(d) + "]";
}

void PlanVarArray(ColumnPlan& plan, const Leaf& leaf, const Prim& prim, const std::string& cpp) {
  plan.mode = ColumnPlan::Mode::kJagged;
  plan.node = PrimNode(prim);
  plan.header_bytes = static_cast<int32_t>(root_format::kBasicPointerFlagBytes);
  plan.count_branch = leaf.leaf_count ? leaf.leaf_count->branch : nullptr;
  plan.root_type = cpp;
}

bool IsJaggedVector(const Node& node) {
  return node.kind == Node::Kind::kVector && node.header &&
         FixedWireSize(node.children[0]) > 0;
}

void PlanJaggedVector(ColumnPlan& plan) {
  plan.mode = ColumnPlan::Mode::kJagged;
  plan.header_bytes = static_cast<int32_t>(root_format::kStlVectorHeaderBytes);
  Node item = std::move(plan.node.children[0]);
  plan.node = std::move(item);
}

namespace {

/// Entries without headers and with an entry-offset table (x[n]/F): the items of entries
/// [first, last) are one contiguous run, so check the offsets and build the Arrow offsets in
/// one pass, then convert all items in one bulk call.
Status DecodeContiguous(const Node& item, int32_t item_size, const Basket& basket,
                        int64_t first, int64_t last, ArrayBuilder& out) {
  const ByteView data = basket.data;
  const auto& offs = basket.entry_offsets;
  const int64_t n = last - first;
  ArrayBuilder& child = out.child(0);
  const size_t a0 = static_cast<size_t>(offs[static_cast<size_t>(first)]);
  const size_t b0 = static_cast<size_t>(offs[static_cast<size_t>(last)]);
  if (b0 < a0 || b0 > data.size()) {
    return Status::Corruption(EntryWhere(first, a0) + ": entry offsets run backwards or "
                              "past the basket");
  }
  const size_t isz = static_cast<size_t>(item_size);
  const size_t total = (b0 - a0) / isz;
  RETURN_IF_ERROR(out.CheckOffsetRoom(total));
  // Arrow offsets from the entry offsets in one branch-free pass (items are 1, 2, 4 or 8
  // bytes in practice: a shift, not a division); the offending entry is looked for only
  // when the pass finds something wrong.
  auto& offsets = out.offsets();
  const size_t old_size = offsets.size();
  offsets.resize(old_size + static_cast<size_t>(last - first));
  int32_t* dst = offsets.data() + old_size;
  const int32_t* eo = offs.data() + first;
  const int64_t base = child.length();
  const size_t count = static_cast<size_t>(last - first);
  bool bad = false;
  if (std::has_single_bit(isz)) {
    bad = !ItemOffsetsFromEntryEnds(eo + 1, count, static_cast<uint32_t>(a0),
                                    static_cast<unsigned>(std::countr_zero(isz)),
                                    static_cast<int32_t>(base), dst);
  } else {
    for (size_t i = 0; i < count; ++i) {
      const size_t d = static_cast<size_t>(eo[i + 1]) - a0;
      bad |= d % isz != 0;
      dst[i] = static_cast<int32_t>(base + static_cast<int64_t>(d / isz));
    }
  }
  if (bad) {
    // Entry offsets are non-decreasing and inside the basket (DecodeBasketKey checks
    // them), so what remains is an entry that is not a whole number of items.
    size_t prev = a0;
    for (int64_t e = first; e < last; ++e) {
      const size_t b = static_cast<size_t>(offs[static_cast<size_t>(e) + 1]);
      if ((b - prev) % isz != 0) {
        offsets.resize(old_size);
        return Status::Corruption(EntryWhere(e, prev) + ": " + std::to_string(b - prev) +
                                  " bytes is not a multiple of the " +
                                  std::to_string(item_size) + "-byte item");
      }
      prev = b;
    }
  }
  AppendFixed(item, data.data() + a0, total, child);
  out.AddLength(n);
  return Status::OK();
}

/// Entries with a header of `hb` bytes each (a flag byte or a std::vector header), found by
/// the entry-offset table: items of consecutive entries are contiguous once headers are
/// skipped; append per entry.
Status DecodeWithHeaders(const Node& item, int32_t item_size, size_t hb, const Basket& basket,
                         int64_t first, int64_t last, ArrayBuilder& out) {
  const ByteView data = basket.data;
  const auto& offs = basket.entry_offsets;
  const int64_t n = last - first;
  ArrayBuilder& child = out.child(0);
  for (int64_t e = first; e < last; ++e) {
    size_t a = static_cast<size_t>(offs[static_cast<size_t>(e)]);
    size_t b = static_cast<size_t>(offs[static_cast<size_t>(e) + 1]);
    size_t payload = b - a;
    if (payload < hb && payload != 0) {
      return Status::Corruption(EntryWhere(e, a) + ": " + std::to_string(payload) +
                                " bytes, less than its " + std::to_string(hb) +
                                "-byte header");
    }
    size_t body = payload == 0 ? 0 : payload - hb;
    if (body % static_cast<size_t>(item_size) != 0) {
      return Status::Corruption(EntryWhere(e, a) + ": " + std::to_string(body) +
                                " bytes is not a multiple of the " +
                                std::to_string(item_size) + "-byte item");
    }
    size_t k = body / static_cast<size_t>(item_size);
    if (hb == root_format::kStlVectorHeaderBytes && payload != 0) {
      // std::vector header: [bcnt][ver][i32 n] — n must agree with the byte count.
      uint32_t stored = LoadBE32(data.data() + a + root_format::kStlVectorSizeOffset);
      if (stored != k) {
        return Status::Corruption(EntryWhere(e, a) + ": vector says " +
                                  std::to_string(stored) + " items, its bytes hold " +
                                  std::to_string(k));
      }
    }
    RETURN_IF_ERROR(out.CheckOffsetRoom(k));
    AppendFixed(item, data.data() + a + (payload == 0 ? 0 : hb), k, child);
    out.offsets().push_back(static_cast<int32_t>(child.length()));
  }
  out.AddLength(n);
  return Status::OK();
}

/// No entry-offset table (ROOT ≥ 6.12 may omit it): sizes come from the counter branch.
Status DecodeByCounts(const Node& item, int32_t item_size, const Basket& basket, int64_t first,
                      int64_t last, std::span<const int64_t> counts, ArrayBuilder& out) {
  const ByteView data = basket.data;
  const int64_t n = last - first;
  ArrayBuilder& child = out.child(0);
  if (counts.size() != static_cast<size_t>(basket.num_entries)) {
    return Status::Corruption("basket has no entry-offset table and no counter values were "
                              "given (" + std::to_string(counts.size()) + " for " +
                              std::to_string(basket.num_entries) + " entries)");
  }
  uint64_t pos = 0;
  for (int64_t e = 0; e < first; ++e) {
    if (counts[static_cast<size_t>(e)] < 0) return Status::Corruption("negative counter value");
    pos += static_cast<uint64_t>(counts[static_cast<size_t>(e)]) * static_cast<uint64_t>(item_size);
  }
  uint64_t total = pos;
  for (int64_t e = first; e < last; ++e) {
    if (counts[static_cast<size_t>(e)] < 0) return Status::Corruption("negative counter value");
    total += static_cast<uint64_t>(counts[static_cast<size_t>(e)]) * static_cast<uint64_t>(item_size);
  }
  if (total > data.size()) {
    return Status::Corruption("counter values need " + std::to_string(total) +
                              " bytes, the basket has " + std::to_string(data.size()));
  }
  for (int64_t e = first; e < last; ++e) {
    size_t k = static_cast<size_t>(counts[static_cast<size_t>(e)]);
    RETURN_IF_ERROR(out.CheckOffsetRoom(k));
    AppendFixed(item, data.data() + pos, k, child);
    pos += k * static_cast<size_t>(item_size);
    out.offsets().push_back(static_cast<int32_t>(child.length()));
  }
  out.AddLength(n);
  return Status::OK();
}

}  // namespace

Status DecodeJagged(const ColumnPlan& plan, const Basket& basket, int64_t first, int64_t last,
                    std::span<const int64_t> counts, ArrayBuilder& out) {
  const int32_t item_size = FixedWireSize(plan.node);
  if (item_size <= 0) return Status::Corruption("jagged column without a fixed item size");
  const size_t hb = static_cast<size_t>(plan.header_bytes);
  if (basket.has_entry_offsets() && hb == 0 && last > first) {
    return DecodeContiguous(plan.node, item_size, basket, first, last, out);
  }
  if (basket.has_entry_offsets()) {
    return DecodeWithHeaders(plan.node, item_size, hb, basket, first, last, out);
  }
  if (hb != 0) {
    return Status::Corruption("basket has no entry-offset table but entries have headers");
  }
  return DecodeByCounts(plan.node, item_size, basket, first, last, counts, out);
}

}  // namespace arrowroot::to_arrow
