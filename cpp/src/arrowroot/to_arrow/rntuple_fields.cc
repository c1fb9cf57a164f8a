// RNTuple fields → Arrow, the assembly half: a planned field's Arrow arrays from a cluster's
// decoded columns (rntuple_fields.h; planning is rntuple_plan.cc). Field/column mapping facts: ROOT's RNTuple Binary Format
// Specification 1.0.0.1, "Mapping of C++ Types to Fields and Columns" (root-project/root,
// tree/ntuple/doc/BinaryFormatSpecification.md).
#include "arrowroot/to_arrow/rntuple_fields.h"

#include <cstring>
#include <limits>
#include <optional>
#include <utility>

#include "arrowroot/to_arrow/rntuple_columns.h"
#include "arrowroot/to_arrow/rntuple_fields_internal.h"

namespace arrowroot::to_arrow::rntuple {

namespace {

using internal::IsIndex;
using internal::NativeType;
using rf::ColumnType;
// ---- assembly ----

void SetBit(uint8_t* bits, size_t i) { bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7)); }
bool GetBit(const uint8_t* bits, size_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }

template <typename S, typename D>
void CastLoop(const std::byte* src, size_t n, std::byte* dst) {
  const S* s = reinterpret_cast<const S*>(src);
  D* d = reinterpret_cast<D*>(dst);
  for (size_t i = 0; i < n; ++i) d[i] = static_cast<D>(s[i]);
}

template <typename D>
void CastFrom(TypeId src, const std::byte* s, size_t n, std::byte* d) {
  switch (src) {
    case TypeId::kInt8: return CastLoop<int8_t, D>(s, n, d);
    case TypeId::kUInt8: return CastLoop<uint8_t, D>(s, n, d);
    case TypeId::kInt16: return CastLoop<int16_t, D>(s, n, d);
    case TypeId::kUInt16: return CastLoop<uint16_t, D>(s, n, d);
    case TypeId::kInt32: return CastLoop<int32_t, D>(s, n, d);
    case TypeId::kUInt32: return CastLoop<uint32_t, D>(s, n, d);
    case TypeId::kInt64: return CastLoop<int64_t, D>(s, n, d);
    case TypeId::kUInt64: return CastLoop<uint64_t, D>(s, n, d);
    case TypeId::kFloat32: return CastLoop<float, D>(s, n, d);
    case TypeId::kFloat64: return CastLoop<double, D>(s, n, d);
    default: return;
  }
}

/// `n` native elements of `src_type` as an Arrow buffer of `dst` (bool: bit-packed).
Buffer Convert(TypeId src_type, const std::byte* s, size_t n, TypeId dst) {
  if (dst == TypeId::kBool) {
    Buffer bits((n + 7) / 8, 0);
    const int w = MakePrimitive(src_type)->ByteWidth();
    for (size_t i = 0; i < n; ++i) {
      bool v = false;
      for (int b = 0; b < w; ++b) v = v || s[i * w + b] != std::byte{0};
      if (v) SetBit(bits.data(), i);
    }
    return bits;
  }
  const int dw = MakePrimitive(dst)->ByteWidth();
  Buffer out(n * static_cast<size_t>(dw));
  if (src_type == dst) {
    if (n > 0) std::memcpy(out.data(), s, n * static_cast<size_t>(dw));
    return out;
  }
  auto* d = reinterpret_cast<std::byte*>(out.data());
  switch (dst) {
    case TypeId::kInt8: CastFrom<int8_t>(src_type, s, n, d); break;
    case TypeId::kUInt8: CastFrom<uint8_t>(src_type, s, n, d); break;
    case TypeId::kInt16: CastFrom<int16_t>(src_type, s, n, d); break;
    case TypeId::kUInt16: CastFrom<uint16_t>(src_type, s, n, d); break;
    case TypeId::kInt32: CastFrom<int32_t>(src_type, s, n, d); break;
    case TypeId::kUInt32: CastFrom<uint32_t>(src_type, s, n, d); break;
    case TypeId::kInt64: CastFrom<int64_t>(src_type, s, n, d); break;
    case TypeId::kUInt64: CastFrom<uint64_t>(src_type, s, n, d); break;
    case TypeId::kFloat32: CastFrom<float>(src_type, s, n, d); break;
    case TypeId::kFloat64: CastFrom<double>(src_type, s, n, d); break;
    default: break;
  }
  return out;
}

/// An index column as the reader keeps it (DecodedColumn::kIndexSlots): count + 1 uint32
/// slots, slot 0 zero, slot i + 1 the end of element i's items: idx[i] is element i's end,
/// idx[b - 1] (b > 0) the start of element b's items.
struct IndexView {
  const uint32_t* p;
  uint64_t operator[](uint64_t i) const { return p[i + 1]; }
};

class Assembler {
 public:
  explicit Assembler(std::vector<DecodedColumn>& cols) : cols_(cols) {}

  /// Items [b, e) of `node` (its principal column's elements, relative to the cluster).
  Result<std::shared_ptr<ArrayData>> Build(const FieldNode& node, uint64_t b, uint64_t e) {
    auto out = std::make_shared<ArrayData>();
    out->type = node.type;
    out->length = static_cast<int64_t>(e - b);
    const size_t n = static_cast<size_t>(e - b);
    switch (node.kind) {
      case NodeKind::kPrimitive: {
        ASSIGN_OR_RETURN(const DecodedColumn* c, Column(node, 0, e));
        TypeId src = *NativeType(c->type);
        const int w = MakePrimitive(src)->ByteWidth();
        if (src == node.type->id && b == 0 && e == c->count && TakeOver(c)) {
          out->buffers.push_back(std::move(const_cast<DecodedColumn*>(c)->data).Reinterpret<uint8_t>());
          return out;
        }
        out->buffers.push_back(Convert(src, c->data.data() + b * w, n, node.type->id));
        return out;
      }
      case NodeKind::kBitset: {
        const uint64_t sz = static_cast<uint64_t>(node.size);
        ASSIGN_OR_RETURN(const DecodedColumn* c, Column(node, 0, e * sz));
        auto child = std::make_shared<ArrayData>();
        child->type = node.type->children[0].type;
        child->length = static_cast<int64_t>(n * sz);
        child->buffers.push_back(Convert(TypeId::kUInt8, c->data.data() + b * sz, n * sz, TypeId::kBool));
        out->children.push_back(std::move(child));
        return out;
      }
      case NodeKind::kFixedList: {
        const uint64_t sz = static_cast<uint64_t>(node.size);
        ASSIGN_OR_RETURN(auto child, Build(node.children[0], b * sz, e * sz));
        out->children.push_back(std::move(child));
        return out;
      }
      case NodeKind::kStruct: {
        for (const FieldNode& c : node.children) {
          ASSIGN_OR_RETURN(auto child, Build(c, b, e));
          out->children.push_back(std::move(child));
        }
        return out;
      }
      case NodeKind::kCardinality: {
        ASSIGN_OR_RETURN(IndexView idx, Index(node, b, e));
        Buffer values(n * (node.type->id == TypeId::kUInt32 ? 4 : 8));
        for (size_t i = 0; i < n; ++i) {
          uint64_t prev = b + i == 0 ? 0 : idx[b + i - 1];
          uint64_t len = idx[b + i] - prev;
          if (node.type->id == TypeId::kUInt32) {
            auto v = static_cast<uint32_t>(len);
            std::memcpy(values.data() + 4 * i, &v, 4);
          } else {
            std::memcpy(values.data() + 8 * i, &len, 8);
          }
        }
        out->buffers.push_back(std::move(values));
        return out;
      }
      case NodeKind::kString:
      case NodeKind::kList:
      case NodeKind::kMap: {
        // One pass: offsets rebased to the range's start, and the index checked to never
        // decrease (every offset then lies in [0, stop - start]).
        ASSIGN_OR_RETURN(const DecodedColumn* ic, Column(node, 0, e));
        const IndexView idx{reinterpret_cast<const uint32_t*>(ic->data.data())};
        const uint64_t start = b == 0 ? 0 : idx[b - 1];
        const uint64_t stop = n == 0 ? start : idx[e - 1];
        if (stop < start) return Decreasing(node, e - 1, start, stop);
        if (stop - start > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
          return Status::InvalidArgument("field '" + node.name + "': " +
                                         std::to_string(stop - start) +
                                         " items in one batch, more than Arrow's 32-bit list "
                                         "offsets hold; read with a smaller batch size");
        }
        // The whole cluster: its index slots are the Arrow offsets already (slot 0 is 0),
        // once checked to never decrease.
        const bool whole = b == 0 && e == ic->count && ic->uses == 1;
        Buffer offsets = whole ? Buffer() : Buffer((n + 1) * 4);
        auto* o = whole ? nullptr : reinterpret_cast<int32_t*>(offsets.data());
        if (o != nullptr) o[0] = 0;
        uint64_t bad = 0;  // any decrease sets the top bit (v - prev wraps)
        uint64_t prev = start;
        for (size_t i = 0; i < n; ++i) {
          const uint64_t v = idx[b + i];
          bad |= v - prev;
          bad |= (stop - v);
          prev = v;
          if (o != nullptr) o[i + 1] = static_cast<int32_t>(v - start);
        }
        if (bad >> 63) {
          RETURN_IF_ERROR(Index(node, b, e));  // names the element
          return Status::Corruption("field '" + node.name + "': its index column leaves [" +
                                    std::to_string(start) + ", " + std::to_string(stop) + "]");
        }
        if (whole) offsets = std::move(const_cast<DecodedColumn*>(ic)->data).Reinterpret<uint8_t>();
        out->buffers.push_back(std::move(offsets));
        if (node.kind == NodeKind::kString) {
          ASSIGN_OR_RETURN(const DecodedColumn* chars, Column(node, 1, stop));
          if (start == 0 && stop == chars->count && TakeOver(chars)) {
            out->buffers.push_back(std::move(const_cast<DecodedColumn*>(chars)->data).Reinterpret<uint8_t>());
            return out;
          }
          Buffer bytes(static_cast<size_t>(stop - start));
          if (stop > start) std::memcpy(bytes.data(), chars->data.data() + start, stop - start);
          out->buffers.push_back(std::move(bytes));
          return out;
        }
        ASSIGN_OR_RETURN(auto child, Build(node.children[0], start, stop));
        if (node.kind == NodeKind::kMap) child->type = node.type->children[0].type;
        out->children.push_back(std::move(child));
        return out;
      }
      case NodeKind::kVariant: return BuildVariant(node, b, e, std::move(out));
      case NodeKind::kNullable: {
        ASSIGN_OR_RETURN(IndexView idx, Index(node, b, e));
        const uint64_t start = b == 0 ? 0 : idx[b - 1];
        const uint64_t stop = n == 0 ? start : idx[e - 1];
        PodVector<uint8_t> present(n);
        for (size_t i = 0; i < n; ++i) {
          uint64_t prev = b + i == 0 ? 0 : idx[b + i - 1];
          uint64_t len = idx[b + i] - prev;
          if (len > 1) {
            return Status::Corruption("field '" + node.name + "': an optional value with " +
                                      std::to_string(len) + " items at element " +
                                      std::to_string(b + i) + " of the cluster");
          }
          present[i] = static_cast<uint8_t>(len);
        }
        ASSIGN_OR_RETURN(auto dense, Build(node.children[0], start, stop));
        return Spread(std::move(dense), present.data(), n);
      }
    }
    return Status::Corruption("field '" + node.name + "': unknown node kind");
  }

 private:
  /// A variant's items [b, e): each Switch element names its alternative (tag k + 1; 0 is
  /// the valueless state) and the element of that alternative, relative to the cluster. Each
  /// alternative's child spans the elements these entries use; offsets point into it.
  Result<std::shared_ptr<ArrayData>> BuildVariant(const FieldNode& node, uint64_t b, uint64_t e,
                                                  std::shared_ptr<ArrayData> out) {
    ASSIGN_OR_RETURN(const DecodedColumn* c, Column(node, 0, e));
    const auto* sw = reinterpret_cast<const SwitchElement*>(c->data.data());
    const size_t k = node.children.size();
    const size_t n = static_cast<size_t>(e - b);
    std::vector<uint64_t> lo(k, UINT64_MAX), hi(k, 0);
    for (uint64_t i = b; i < e; ++i) {
      const uint32_t tag = sw[i].tag;
      if (tag == 0) continue;
      if (tag > k) {
        return Status::Corruption("field '" + node.name + "': variant tag " + std::to_string(tag) +
                                  " at element " + std::to_string(i) + " of the cluster, it has " +
                                  std::to_string(k) + " alternatives");
      }
      lo[tag - 1] = std::min(lo[tag - 1], sw[i].index);
      hi[tag - 1] = std::max(hi[tag - 1], sw[i].index + 1);
    }
    Buffer type_ids(n), offsets(n * 4);
    auto* o = reinterpret_cast<int32_t*>(offsets.data());
    int32_t invalid = 0;
    for (size_t i = 0; i < n; ++i) {
      const SwitchElement& el = sw[b + i];
      if (el.tag == 0) {
        type_ids[i] = static_cast<uint8_t>(k);
        o[i] = invalid++;
        continue;
      }
      const uint64_t rel = el.index - lo[el.tag - 1];
      if (rel > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
        return Status::Corruption("field '" + node.name + "': variant element index " +
                                  std::to_string(el.index) + " out of range");
      }
      type_ids[i] = static_cast<uint8_t>(el.tag - 1);
      o[i] = static_cast<int32_t>(rel);
    }
    out->buffers.push_back(std::move(type_ids));
    out->buffers.push_back(std::move(offsets));
    for (size_t a = 0; a < k; ++a) {
      const uint64_t from = lo[a] == UINT64_MAX ? 0 : lo[a];
      const uint64_t to = lo[a] == UINT64_MAX ? 0 : hi[a];
      ASSIGN_OR_RETURN(auto child, Build(node.children[a], from, to));
      out->children.push_back(std::move(child));
    }
    auto nulls = std::make_shared<ArrayData>();
    nulls->type = node.type->children[k].type;
    nulls->length = invalid;
    nulls->null_count = invalid;
    out->children.push_back(std::move(nulls));
    return out;
  }

  /// Whether the caller may move `c`'s data out: no other field reads it (fields are
  /// assembled in parallel, so a shared column is only ever copied).
  static bool TakeOver(const DecodedColumn* c) { return c->uses == 1; }

  /// The active representation's column `pos`, which must hold at least `need` elements.
  Result<const DecodedColumn*> Column(const FieldNode& node, size_t pos, uint64_t need) {
    const DecodedColumn* found = nullptr;
    uint32_t id = 0;
    for (const auto& rep : node.representations) {
      if (rep.size() > pos && rep[pos] < cols_.size() && cols_[rep[pos]].present) {
        id = rep[pos];
        found = &cols_[id];
        break;
      }
    }
    if (found == nullptr) {
      return Status::Corruption("field '" + node.name + "': no column of it was loaded for this cluster");
    }
    if (found->count < need) {
      return Status::Corruption("field '" + node.name + "': column " + std::to_string(id) +
                                " holds " + std::to_string(found->count) +
                                " elements in this cluster, its entries need " +
                                std::to_string(need));
    }
    return found;
  }

  static Status Decreasing(const FieldNode& node, uint64_t i, uint64_t prev, uint64_t v) {
    return Status::Corruption("field '" + node.name + "': its index column decreases at "
                              "element " + std::to_string(i) + " of the cluster (" +
                              std::to_string(prev) + " then " + std::to_string(v) + ")");
  }

  /// The index column of `node`, checked to be non-decreasing over [b-1, e).
  Result<IndexView> Index(const FieldNode& node, uint64_t b, uint64_t e) {
    ASSIGN_OR_RETURN(const DecodedColumn* c, Column(node, 0, e));
    const IndexView idx{reinterpret_cast<const uint32_t*>(c->data.data())};
    uint64_t prev = b == 0 ? 0 : idx[b - 1];
    for (uint64_t i = b; i < e; ++i) {
      if (idx[i] < prev) {
        return Status::Corruption("field '" + node.name + "': its index column decreases at "
                                  "element " + std::to_string(i) + " of the cluster (" +
                                  std::to_string(prev) + " then " + std::to_string(idx[i]) + ")");
      }
      prev = idx[i];
    }
    return idx;
  }

  /// Spread `dense` (one value per set flag) over `n` slots; unset slots are null.
  /// `mark_nulls` false: the unset slots get default values but stay valid (the members of
  /// a null struct: the struct's own bit says null, its fields are declared non-nullable).
  Result<std::shared_ptr<ArrayData>> Spread(std::shared_ptr<ArrayData> dense, const uint8_t* present,
                                            size_t n, bool mark_nulls = true) {
    auto out = std::make_shared<ArrayData>();
    out->type = dense->type;
    out->length = static_cast<int64_t>(n);
    // Validity: present and valid in the dense array.
    out->validity = Buffer((n + 7) / 8, 0);
    size_t j = 0;
    int64_t nulls = 0;
    for (size_t i = 0; i < n; ++i) {
      bool valid = present[i] ? (dense->null_count == 0 || GetBit(dense->validity.data(), j))
                              : !mark_nulls;
      if (valid) SetBit(out->validity.data(), i); else ++nulls;
      j += present[i];
    }
    out->null_count = nulls;
    if (nulls == 0) out->validity = Buffer();
    const TypeId id = dense->type->id;
    if (id == TypeId::kDenseUnion || id == TypeId::kNull) {
      return Status::Unsupported("field '" + dense->type->ToString() +
                                 "': nulls inside a union are not represented");
    }
    switch (id) {
      case TypeId::kBool: {
        Buffer bits((n + 7) / 8, 0);
        j = 0;
        for (size_t i = 0; i < n; ++i) {
          if (!present[i]) continue;
          if (GetBit(dense->buffers[0].data(), j)) SetBit(bits.data(), i);
          ++j;
        }
        out->buffers.push_back(std::move(bits));
        break;
      }
      case TypeId::kUtf8:
      case TypeId::kBinary:
      case TypeId::kList:
      case TypeId::kMap: {
        const auto* d = reinterpret_cast<const int32_t*>(dense->buffers[0].data());
        Buffer offsets((n + 1) * 4);
        auto* o = reinterpret_cast<int32_t*>(offsets.data());
        o[0] = d[0];
        j = 0;
        for (size_t i = 0; i < n; ++i) {
          o[i + 1] = present[i] ? d[++j] : o[i];
        }
        out->buffers.push_back(std::move(offsets));
        for (size_t k = 1; k < dense->buffers.size(); ++k) out->buffers.push_back(std::move(dense->buffers[k]));
        out->children = std::move(dense->children);
        break;
      }
      case TypeId::kFixedSizeList: {
        const size_t sz = static_cast<size_t>(dense->type->list_size);
        PodVector<uint8_t> inner(n * sz);
        for (size_t i = 0; i < n; ++i) {
          for (size_t k = 0; k < sz; ++k) inner[i * sz + k] = present[i];
        }
        ASSIGN_OR_RETURN(auto child, Spread(std::move(dense->children[0]), inner.data(), n * sz,
                                            /*mark_nulls=*/false));
        out->children.push_back(std::move(child));
        break;
      }
      case TypeId::kStruct: {
        for (auto& c : dense->children) {
          ASSIGN_OR_RETURN(auto child, Spread(std::move(c), present, n, /*mark_nulls=*/false));
          out->children.push_back(std::move(child));
        }
        break;
      }
      default: {
        const size_t w = static_cast<size_t>(dense->type->ByteWidth());
        Buffer values(n * w, 0);
        j = 0;
        for (size_t i = 0; i < n; ++i) {
          if (!present[i]) continue;
          std::memcpy(values.data() + i * w, dense->buffers[0].data() + j * w, w);
          ++j;
        }
        out->buffers.push_back(std::move(values));
      }
    }
    return out;
  }

  std::vector<DecodedColumn>& cols_;
};

/// The representation of `node` active in `cluster`: the first whose principal column the
/// page list does not mark suppressed (representation 0 where the cluster lists none of them).
}  // namespace

Result<std::shared_ptr<ArrayData>> Assemble(const FieldNode& node,
                                            std::vector<DecodedColumn>& columns,
                                            uint64_t e0, uint64_t e1) {
  Assembler a(columns);
  return a.Build(node, e0, e1);
}

}  // namespace arrowroot::to_arrow::rntuple
