// Fixed-width columns: every entry takes the same bytes (numeric leaves x, x[3], leaf lists
// "x/D:y/I", a split TClonesArray's object counts), and the big-endian → native conversion of
// fixed-size values that every kind uses (uproot interpretation/numerical.py).
#include <cstring>

#include "arrowroot/common/byteswap.h"
#include "arrowroot/to_arrow/decode.h"
#include "arrowroot/to_arrow/identify.h"
#include "arrowroot/to_arrow/kinds_internal.h"

namespace arrowroot::to_arrow {

using root_format::Basket;
using root_format::Branch;
using root_format::Leaf;

Node WrapFixed(Node inner, const std::vector<int32_t>& dims) {
  for (auto it = dims.rbegin(); it != dims.rend(); ++it) {
    Node a;
    a.kind = Node::Kind::kFixedArray;
    a.length = *it;
    a.children.push_back(std::move(inner));
    inner = std::move(a);
  }
  return inner;
}


namespace {

/// The fixed dimensions of a leaf: its title's, unless their product is not fLen (then fLen
/// alone, or none for a scalar).
std::vector<int32_t> LeafDims(const Leaf& leaf) {
  std::string counter;
  std::vector<int32_t> dims;
  ParseDims(leaf.title, &counter, &dims);
  int64_t product = 1;
  for (int32_t d : dims) product *= d;
  if (product != leaf.len) dims = leaf.len > 1 ? std::vector<int32_t>{leaf.len} : std::vector<int32_t>{};
  return dims;
}

}  // namespace

void PlanClonesCount(ColumnPlan& plan) {
  // The top branch of a split TClonesArray: one int32 per entry, the number of objects
  // (TBranchElement::FillLeavesClones writes its GetEntriesFast(); uproot reads ">i4").
  Prim count;
  count.kind = PrimKind::kI32;
  plan.mode = ColumnPlan::Mode::kFixed;
  plan.node = PrimNode(count);
  plan.entry_size = 4;
  plan.root_type = "int32_t";
}

void PlanFixedLeaf(ColumnPlan& plan, const Leaf& leaf, const Prim& prim, const std::string& cpp) {
  const std::vector<int32_t> dims = LeafDims(leaf);
  plan.mode = ColumnPlan::Mode::kFixed;
  plan.node = WrapFixed(PrimNode(prim), dims);
  plan.entry_size = FixedWireSize(plan.node);
  plan.root_type = cpp;
  for (int32_t d : dims) plan.root_type += "[" + std::to_string(d) + "]";
}

Status PlanLeafList(ColumnPlan& plan, const Branch& b) {
  // Leaf list "x/D:y/I:z/B" → struct of fixed-size fields.
  Node obj;
  obj.kind = Node::Kind::kObject;
  plan.root_type = b.title;
  for (const Leaf* leaf : b.leaves) {
    if (leaf->leaf_count) {
      return UnsupportedBranch(b, b.title,
                               Status::Unsupported("leaf list with a variable-length leaf"));
    }
    auto p = PrimFromLeaf(*leaf);
    if (!p.ok()) return UnsupportedBranch(b, b.title, p.status());
    Node m = WrapFixed(PrimNode(*p), LeafDims(*leaf));
    m.name = leaf->name;
    obj.children.push_back(std::move(m));
  }
  int64_t size = 0;
  for (const Node& m : obj.children) {
    int32_t ms = FixedWireSize(m);
    if (ms < 0) {
      return UnsupportedBranch(b, b.title, Status::Unsupported("leaf list member too large"));
    }
    size += ms;
  }
  if (size > INT32_MAX) {
    return UnsupportedBranch(b, b.title, Status::Unsupported("leaf list too large"));
  }
  plan.mode = ColumnPlan::Mode::kFixed;
  plan.node = std::move(obj);
  plan.entry_size = static_cast<int32_t>(size);
  return Status::OK();
}

namespace {

// Truncated Float16/Double32 (range [0,0]): u8 exponent, u16 mantissa whose bit nbits+1 is the
// sign (ROOT TBufferFile::ReadWithNbits; uproot numerical.py AsDouble32 is_truncated).
float UnpackTruncated(const std::byte* p, int nbits) {
  uint32_t exponent = static_cast<uint8_t>(p[0]);
  uint32_t mantissa = (uint32_t(uint8_t(p[1])) << 8) | uint8_t(p[2]);
  uint32_t bits = (exponent << 23) | ((mantissa & ((1u << (nbits + 1)) - 1)) << (23 - nbits));
  float f;
  std::memcpy(&f, &bits, 4);
  if (mantissa & (1u << (nbits + 1))) f = -f;
  return f;
}

}  // namespace

void AppendPrims(const Prim& prim, const std::byte* src, size_t n, ArrayBuilder& out) {
  auto& v = out.values();
  size_t old = v.size();
  out.AddLength(static_cast<int64_t>(n));
  switch (prim.kind) {
    case PrimKind::kBool:
      v.resize(old + n);
      for (size_t i = 0; i < n; ++i) v[old + i] = src[i] != std::byte{0};
      return;
    case PrimKind::kI8:
    case PrimKind::kU8:
      v.resize(old + n);
      if (n) std::memcpy(v.data() + old, src, n);
      return;
    case PrimKind::kI16:
    case PrimKind::kU16:
      v.resize(old + 2 * n);
      SwapCopy16(src, n, v.data() + old);
      return;
    case PrimKind::kI32:
    case PrimKind::kU32:
    case PrimKind::kF32:
    case PrimKind::kBits:  // the u32 of each value (a caller passes one value at a time)
      v.resize(old + 4 * n);
      SwapCopy32(src, n, v.data() + old);
      return;
    case PrimKind::kI64:
    case PrimKind::kU64:
    case PrimKind::kF64:
      v.resize(old + 8 * n);
      SwapCopy64(src, n, v.data() + old);
      return;
    case PrimKind::kDouble32AsFloat: {
      v.resize(old + 8 * n);
      double* d = reinterpret_cast<double*>(v.data() + old);
      for (size_t i = 0; i < n; ++i) {
        uint32_t u = LoadBE32(src + 4 * i);
        float f;
        std::memcpy(&f, &u, 4);
        d[i] = f;
      }
      return;
    }
    case PrimKind::kDouble32: {
      // value = low + raw * (high - low) / 2^nbits, in float64 (ROOT TBufferFile::ReadDouble32).
      v.resize(old + 8 * n);
      double* d = reinterpret_cast<double*>(v.data() + old);
      const double scale = (prim.high - prim.low) / static_cast<double>(uint64_t(1) << prim.num_bits);
      for (size_t i = 0; i < n; ++i) d[i] = static_cast<double>(LoadBE32(src + 4 * i)) * scale + prim.low;
      return;
    }
    case PrimKind::kFloat16: {
      // Same in float32, as ROOT (and uproot) compute Float16_t.
      v.resize(old + 4 * n);
      float* d = reinterpret_cast<float*>(v.data() + old);
      const float scale = static_cast<float>((prim.high - prim.low) /
                                             static_cast<double>(uint64_t(1) << prim.num_bits));
      const float low = static_cast<float>(prim.low);
      for (size_t i = 0; i < n; ++i) d[i] = static_cast<float>(LoadBE32(src + 4 * i)) * scale + low;
      return;
    }
    case PrimKind::kDouble32Trunc: {
      v.resize(old + 8 * n);
      double* d = reinterpret_cast<double*>(v.data() + old);
      for (size_t i = 0; i < n; ++i) d[i] = UnpackTruncated(src + 3 * i, prim.num_bits);
      return;
    }
    case PrimKind::kFloat16Trunc: {
      v.resize(old + 4 * n);
      float* d = reinterpret_cast<float*>(v.data() + old);
      for (size_t i = 0; i < n; ++i) d[i] = UnpackTruncated(src + 3 * i, prim.num_bits);
      return;
    }
  }
}

/// Append `count` items of a fixed-size node (prim or nested fixed arrays) from contiguous bytes.
void AppendFixed(const Node& node, const std::byte* src, size_t count, ArrayBuilder& out) {
  if (node.kind == Node::Kind::kPrim) {
    AppendPrims(node.prim, src, count, out);
    return;
  }
  // kFixedArray: the child gets count*length items.
  out.AddLength(static_cast<int64_t>(count));
  AppendFixed(node.children[0], src, count * static_cast<size_t>(node.length), out.child(0));
}

Status DecodeFixed(const ColumnPlan& plan, const Basket& basket, int64_t first, int64_t last,
                   ArrayBuilder& out) {
  const ByteView data = basket.data;
  const int64_t n = last - first;
  const size_t es = static_cast<size_t>(plan.entry_size);
  if (static_cast<uint64_t>(basket.num_entries) * es != data.size() && !basket.has_entry_offsets()) {
    return Status::Corruption("basket holds " + std::to_string(data.size()) + " bytes for " +
                              std::to_string(basket.num_entries) + " entries of " +
                              std::to_string(es) + " bytes");
  }
  if (static_cast<uint64_t>(last) * es > data.size()) {
    return Status::Corruption("basket too short for its entries");
  }
  const std::byte* src = data.data() + static_cast<size_t>(first) * es;
  if (plan.node.kind == Node::Kind::kObject) {
    // Leaf list: fields interleaved per entry.
    out.AddLength(n);
    size_t field_offset = 0;
    for (size_t f = 0; f < plan.node.children.size(); ++f) {
      const Node& m = plan.node.children[f];
      const int32_t fs = FixedWireSize(m);
      for (int64_t e = 0; e < n; ++e) {
        AppendFixed(m, src + static_cast<size_t>(e) * es + field_offset, 1,
                    out.child(static_cast<size_t>(m.field_index)));
      }
      field_offset += static_cast<size_t>(fs);
    }
    return Status::OK();
  }
  AppendFixed(plan.node, src, static_cast<size_t>(n), out);
  return Status::OK();
}

}  // namespace arrowroot::to_arrow
