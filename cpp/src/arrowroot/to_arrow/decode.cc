#include "arrowroot/to_arrow/decode.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>
#include <unordered_map>

#include "arrowroot/root_format/cursor.h"
#include "arrowroot/common/byteswap.h"

namespace arrowroot::to_arrow {

using root_format::Basket;
using root_format::Cursor;

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

namespace {

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

std::string EntryWhere(int64_t entry, size_t offset) {
  return "entry " + std::to_string(entry) + " of the basket (byte " + std::to_string(offset) + ")";
}

bool IsUtf8(const std::byte* p, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = static_cast<uint8_t>(p[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<uint8_t>(p[i + k]) >> 6) != 2) return false;
    }
    i += len;
  }
  return true;
}

/// Containers and strings that, as members of an object, are preceded by one byte-count
/// header however many objects share them (TStreamerInfo::WriteBufferAux, case kSTL).
bool IsStlLike(const Node& n) {
  return n.kind == Node::Kind::kVector || n.kind == Node::Kind::kMap ||
         n.kind == Node::Kind::kString || n.kind == Node::Kind::kBitset;
}

/// The generic per-value interpreter: reads one `node` value at the cursor and appends it.
/// The byte layouts are those of ROOT's TStreamerInfo::WriteBufferAux, TBufferFile and the
/// custom Streamers of TRef, TRefArray, TDatime and TMatrixTSym (docs/format/README.md).
class NodeReader {
 public:
  explicit NodeReader(Cursor& c) : c_(c) {}

  /// `with_header = false` reads a container or string without its byte-count header even if
  /// the node has one (the items of a member-wise column, the members of split collections).
  Status Read(const Node& n, ArrayBuilder& out, bool with_header = true) {
    switch (n.kind) {
      case Node::Kind::kPrim: {
        if (n.prim.kind == PrimKind::kBits) {
          // TObject::fBits, then the u16 process id of a referenced object (kIsReferenced).
          ByteView b = c_.Bytes(4);
          if (!c_.ok()) return c_.status();
          if (LoadBE32(b.data()) & root_format::kIsReferenced) c_.Skip(root_format::kProcessIdBytes);
          AppendPrims(n.prim, b.data(), 1, out);
          return c_.status();
        }
        size_t w = static_cast<size_t>(n.prim.WireSize());
        ByteView b = c_.Bytes(w);
        if (!c_.ok()) return c_.status();
        AppendPrims(n.prim, b.data(), 1, out);
        return Status::OK();
      }
      case Node::Kind::kString: {
        if (n.header && with_header) RETURN_IF_ERROR(SkipHeader());
        uint32_t len = c_.U8();
        if (len == root_format::kLongStringMarker) len = c_.U32();
        return AppendString(len, out);
      }
      case Node::Kind::kCharStar: {
        // TBufferFile::WriteCharStar: i32 length (0 for a null pointer), then the bytes.
        int32_t len = c_.I32();
        if (!c_.ok()) return c_.status();
        if (len < 0) return Status::Corruption("char* of length " + std::to_string(len));
        return AppendString(static_cast<uint32_t>(len), out);
      }
      case Node::Kind::kFixedArray: {
        out.AddLength(1);
        for (int32_t i = 0; i < n.length; ++i) RETURN_IF_ERROR(Read(n.children[0], out.child(0)));
        return Status::OK();
      }
      case Node::Kind::kVector: {
        if (n.header && with_header) {
          root_format::VersionHeader h = c_.ReadVersion();
          if (!c_.ok()) return c_.status();
          if (h.version & root_format::kByteCountVMask) return ReadMemberwise(n.children[0], out);
        }
        uint32_t len = c_.U32();
        if (!c_.ok()) return c_.status();
        if (len > c_.remaining()) {
          return Status::Corruption("container claims " + std::to_string(len) +
                                    " elements with " + std::to_string(c_.remaining()) +
                                    " bytes left");
        }
        return ReadItems(n.children[0], static_cast<size_t>(len), out);
      }
      case Node::Kind::kMap: {
        // std::map (uproot containers.py AsMap): usually streamed member-wise — the header's
        // version carries kByteCountVMask and the pair class's version follows — then n, the n keys,
        // the n values; otherwise n (key, value) pairs.
        bool memberwise = false;
        if (n.header && with_header) {
          root_format::VersionHeader h = c_.ReadVersion();
          if (!c_.ok()) return c_.status();
          memberwise = (h.version & root_format::kByteCountVMask) != 0;
          if (memberwise) SkipMemberwiseVersion();
        }
        uint32_t len = c_.U32();
        if (!c_.ok()) return c_.status();
        if (len > c_.remaining()) {
          return Status::Corruption("map claims " + std::to_string(len) + " entries with " +
                                    std::to_string(c_.remaining()) + " bytes left");
        }
        RETURN_IF_ERROR(out.CheckOffsetRoom(len));
        ArrayBuilder& entries = out.child(0);
        if (memberwise) {
          for (size_t k = 0; k < 2; ++k) {
            RETURN_IF_ERROR(ReadN(n.children[k], len, entries.child(k)));
          }
        } else {
          // Pair by pair, as items of a collection: strings and containers without headers,
          // objects with theirs (xAOD's map<string, vector<int>>).
          for (uint32_t i = 0; i < len; ++i) {
            RETURN_IF_ERROR(Read(n.children[0], entries.child(0), /*with_header=*/false));
            RETURN_IF_ERROR(Read(n.children[1], entries.child(1), /*with_header=*/false));
          }
        }
        entries.AddLength(len);
        out.offsets().push_back(static_cast<int32_t>(entries.length()));
        out.AddLength(1);
        return Status::OK();
      }
      case Node::Kind::kVarArray:
        return Status::Corruption("variable array outside an object");
      case Node::Kind::kObject: {
        out.AddLength(1);
        std::vector<int64_t> ints(n.children.size(), 0);
        return ReadMembers(n, out, ints);
      }
      case Node::Kind::kBase:
      case Node::Kind::kTObject:
        return Status::Corruption("base class outside an object");
      case Node::Kind::kBitset: {
        if (n.header && with_header) RETURN_IF_ERROR(SkipHeader());
        uint32_t bits = c_.U32();
        ByteView b = c_.Bytes(bits);
        if (!c_.ok()) return c_.status();
        RETURN_IF_ERROR(out.CheckOffsetRoom(bits));
        ArrayBuilder& child = out.child(0);
        AppendPrims(Prim{PrimKind::kBool}, b.data(), bits, child);
        out.offsets().push_back(static_cast<int32_t>(child.length()));
        out.AddLength(1);
        return Status::OK();
      }
      case Node::Kind::kTRef: {
        // TRef::Streamer: TObject::Streamer (its fUniqueID is the referenced object's id),
        // then the u16 process id.
        c_.U16();
        uint32_t uid = c_.U32();
        uint32_t bits = c_.U32();
        if (bits & root_format::kIsReferenced) c_.Skip(root_format::kProcessIdBytes);
        c_.U16();
        if (!c_.ok()) return c_.status();
        AppendU32(uid, out.child(0));
        out.AddLength(1);
        return Status::OK();
      }
      case Node::Kind::kTRefArray: {
        // TRefArray::Streamer: [header] TObject, fName, n = GetAbsLast() + 1, fLowerBound,
        // the u16 process id, n u32 unique ids.
        root_format::VersionHeader h = c_.ReadVersion();
        c_.SkipTObject();
        uint32_t name_len = c_.U8();
        if (name_len == root_format::kLongStringMarker) name_len = c_.U32();
        if (!c_.ok()) return c_.status();
        RETURN_IF_ERROR(AppendString(name_len, out.child(0)));
        int32_t count = c_.I32();
        c_.I32();  // fLowerBound
        c_.U16();  // pid
        if (!c_.ok()) return c_.status();
        if (count < 0 || static_cast<size_t>(count) > c_.remaining() / 4) {
          return Status::Corruption("TRefArray claims " + std::to_string(count) + " references");
        }
        AppendI32(count, out.child(1));
        ArrayBuilder& refs = out.child(2);
        RETURN_IF_ERROR(refs.CheckOffsetRoom(static_cast<uint64_t>(count)));
        ByteView ids = c_.Bytes(static_cast<size_t>(count) * 4);
        AppendPrims(Prim{PrimKind::kI32}, ids.data(), static_cast<size_t>(count), refs.child(0));
        refs.offsets().push_back(static_cast<int32_t>(refs.child(0).length()));
        refs.AddLength(1);
        out.AddLength(1);
        return CheckEnd(h, "TRefArray");
      }
      case Node::Kind::kTDatime: {
        uint32_t v = c_.U32();  // TDatime::Streamer: the packed date and time, no header
        if (!c_.ok()) return c_.status();
        AppendU32(v, out.child(0));
        out.AddLength(1);
        return Status::OK();
      }
      case Node::Kind::kMatrixSym:
        return ReadMatrixSym(out);
      case Node::Kind::kRepeat: {
        // Every object of the entry's collection, to the end of the entry; an empty
        // collection writes nothing, not even the header.
        ArrayBuilder& items = out.child(0);
        if (n.header && c_.remaining() > 0) {
          root_format::VersionHeader h = c_.ReadVersion();
          if (!c_.ok()) return c_.status();
          if (h.version & root_format::kByteCountVMask) {
            // Collections of objects streamed member-wise, one per object of the entry: the
            // value class's version once, then each collection's size and columns.
            if (n.children[0].kind != Node::Kind::kVector) {
              return Status::Unsupported("a member-wise streamed member of a split collection");
            }
            SkipMemberwiseVersion();
            while (c_.ok() && c_.remaining() > 0) {
              RETURN_IF_ERROR(out.CheckOffsetRoom(1));
              RETURN_IF_ERROR(ReadMemberwiseBody(n.children[0].children[0], items));
            }
            out.offsets().push_back(static_cast<int32_t>(items.length()));
            out.AddLength(1);
            return CheckEnd(h, "member-wise collection");
          }
        }
        while (c_.ok() && c_.remaining() > 0) {
          const size_t before = c_.pos();
          RETURN_IF_ERROR(out.CheckOffsetRoom(1));
          RETURN_IF_ERROR(Read(n.children[0], items, /*with_header=*/!n.header));
          if (c_.pos() == before) return Status::Corruption("an empty item cannot end the entry");
        }
        out.offsets().push_back(static_cast<int32_t>(items.length()));
        out.AddLength(1);
        return c_.status();
      }
      case Node::Kind::kPointer:
        return ReadPointer(n, out);
      case Node::Kind::kDynamic: {
        uint32_t len = c_.U8();  // TLeafObject::FillBasket: the class name, then a NUL
        if (len == root_format::kLongStringMarker) len = c_.U32();
        c_.Skip(len);
        c_.U8();
        if (!c_.ok()) return c_.status();
        return Read(n.children[0], out);
      }
    }
    return Status::OK();
  }

 private:
  /// TBufferFile::WriteObjectAny / ReadObjectAny: u32 0 for a null pointer; else a byte
  /// count and a class tag — 0xFFFFFFFF and the class name (new in this buffer), or
  /// 0x80000000 | the offset of that name (seen before) — then the object. A tag without
  /// those bits refers to an object read earlier, whose value is not kept: Unsupported.
  /// Offsets count from the basket's buffer start (kMapOffset 2 added), so the cursor's
  /// origin is the entry's place in it.
  Status ReadPointer(const Node& n, ArrayBuilder& out) {
    const int64_t at = c_.displacement();
    uint32_t word = c_.U32();
    if (!c_.ok()) return c_.status();
    if (word == 0) {
      out.AppendNull();
      return Status::OK();
    }
    uint32_t tag = word;
    size_t end = 0;
    const bool counted = (word & root_format::kByteCountMask) && word != root_format::kNewClassTag;
    if (counted) {
      end = c_.pos() + (word & ~root_format::kByteCountMask);
      if (end > c_.size()) {
        return Status::Corruption("pointer at offset " + std::to_string(c_.pos() - 4) +
                                  " claims " + std::to_string(end - c_.pos()) + " bytes");
      }
      tag = c_.U32();
    }
    const int64_t tag_at = counted ? at + 4 : at;
    std::string cls;
    if (tag == root_format::kNewClassTag) {
      cls = c_.CString();
      if (!c_.ok()) return c_.status();
      classes_[static_cast<uint32_t>(tag_at + root_format::kMapOffset)] = cls;
    } else if (tag & root_format::kClassMask) {
      auto it = classes_.find(tag & ~root_format::kClassMask);
      if (it == classes_.end()) {
        return Status::Corruption("pointer names class tag " +
                                  std::to_string(tag & ~root_format::kClassMask) +
                                  ", which the entry has not defined");
      }
      cls = it->second;
    } else {
      return Status::Unsupported("a pointer to an object already read earlier in the entry "
                                 "(a shared reference)");
    }
    const std::string& declared = n.children[0].class_name;
    if (cls != declared) {
      return Status::Unsupported("a pointer declared as " + declared + "* holds a " + cls);
    }
    RETURN_IF_ERROR(Read(n.children[0], out));
    if (counted && c_.pos() != end) {
      return Status::Corruption("pointed-to " + cls + " ends at byte " + std::to_string(c_.pos()) +
                                ", its byte count says " + std::to_string(end));
    }
    return Status::OK();
  }

  /// `count` values of one member, as WriteBufferAux writes an element for `count` objects:
  /// containers and strings with one header for all (and none each), everything else as it
  /// is for one object.
  Status ReadN(const Node& m, size_t count, ArrayBuilder& out) {
    // No objects, no bytes: not even the header (TStreamerInfo::WriteBufferSTL returns at once
    // for an empty collection).
    if (count == 0) return Status::OK();
    if (m.header && IsStlLike(m)) {
      root_format::VersionHeader h = c_.ReadVersion();
      if (!c_.ok()) return c_.status();
      if (h.version & root_format::kByteCountVMask) {
        // Collections of objects streamed member-wise: the value class's version once, then
        // for each collection its size and its members column by column.
        if (m.kind != Node::Kind::kVector) {
          return Status::Unsupported("a member-wise streamed " + std::string(m.type ? m.type->ToString() : "container"));
        }
        SkipMemberwiseVersion();
        for (size_t k = 0; k < count; ++k) RETURN_IF_ERROR(ReadMemberwiseBody(m.children[0], out));
        return Status::OK();
      }
      for (size_t k = 0; k < count; ++k) RETURN_IF_ERROR(Read(m, out, /*with_header=*/false));
      return Status::OK();
    }
    for (size_t k = 0; k < count; ++k) RETURN_IF_ERROR(Read(m, out));
    return Status::OK();
  }

  /// A member-wise collection (header version with kByteCountVMask): the value class's version, the
  /// number of objects, then each member of all of them in turn (TBufferFile::
  /// WriteVersionMemberWise, TStreamerInfo::WriteBufferSTL).
  Status ReadMemberwise(const Node& item, ArrayBuilder& list) {
    SkipMemberwiseVersion();
    return ReadMemberwiseBody(item, list);
  }

  /// One member-wise collection after its version: the number of objects, then the columns.
  Status ReadMemberwiseBody(const Node& item, ArrayBuilder& list) {
    uint32_t len = c_.U32();
    if (!c_.ok()) return c_.status();
    if (item.kind != Node::Kind::kObject) {
      return Status::Unsupported("a member-wise streamed collection of a type that is not a class");
    }
    if (len > c_.remaining()) {
      return Status::Corruption("member-wise collection claims " + std::to_string(len) +
                                " objects with " + std::to_string(c_.remaining()) + " bytes left");
    }
    RETURN_IF_ERROR(list.CheckOffsetRoom(len));
    ArrayBuilder& objects = list.child(0);
    RETURN_IF_ERROR(ReadColumns(item, len, objects));
    objects.AddLength(len);
    list.offsets().push_back(static_cast<int32_t>(objects.length()));
    list.AddLength(1);
    return Status::OK();
  }

  Status ReadColumns(const Node& obj, size_t count, ArrayBuilder& out) {
    for (const Node& m : obj.children) {
      switch (m.kind) {
        case Node::Kind::kTObject:
          for (size_t k = 0; k < count && c_.ok(); ++k) c_.SkipTObject();
          RETURN_IF_ERROR(c_.status());
          break;
        case Node::Kind::kBase:
          // A base class's members are columns of the collection like the class's own, with
          // no header of the base (ROOT streams the compiled, base-inlined element list:
          // a member-wise vector<ElementLink<T>> holds m_persKey × n, then m_persIndex × n).
          RETURN_IF_ERROR(ReadColumns(m, count, out));
          break;
        case Node::Kind::kVarArray:
          return Status::Unsupported("variable array '" + m.name +
                                     "' in a member-wise streamed collection");
        default: {
          std::optional<ArrayBuilder> dropped;
          if (m.field_index < 0) dropped.emplace(m.type);
          RETURN_IF_ERROR(ReadN(m, count, dropped ? *dropped : out.child(static_cast<size_t>(m.field_index))));
        }
      }
    }
    return Status::OK();
  }

  /// The value class's version in a member-wise collection: u16, and its checksum when 0.
  void SkipMemberwiseVersion() {
    if (c_.U16() == 0) c_.U32();
  }

  Status AppendString(uint32_t len, ArrayBuilder& out) {
    ByteView b = c_.Bytes(len);
    if (!c_.ok()) return c_.status();
    RETURN_IF_ERROR(out.CheckOffsetRoom(len));
    if (!IsUtf8(b.data(), b.size())) return Status::Unsupported("string is not valid UTF-8");
    auto& bytes = out.bytes();
    bytes.insert(bytes.end(), reinterpret_cast<const uint8_t*>(b.data()),
                 reinterpret_cast<const uint8_t*>(b.data()) + b.size());
    out.offsets().push_back(static_cast<int32_t>(bytes.size()));
    out.AddLength(1);
    return Status::OK();
  }

  static void AppendU32(uint32_t v, ArrayBuilder& out) {
    auto& values = out.values();
    size_t old = values.size();
    values.resize(old + 4);
    std::memcpy(values.data() + old, &v, 4);
    out.AddLength(1);
  }
  static void AppendI32(int32_t v, ArrayBuilder& out) { AppendU32(static_cast<uint32_t>(v), out); }

  /// TMatrixTSym<double>::Streamer: a TMatrixTBase<double> record (its byte count covers only
  /// that part), then the upper triangle row by row, nrows * (nrows + 1) / 2 doubles
  /// (uproot models/TMatrixT.py).
  Status ReadMatrixSym(ArrayBuilder& out) {
    root_format::VersionHeader h = c_.ReadVersion();
    c_.SkipTObject();
    int32_t v[6];
    for (int32_t& x : v) x = c_.I32();
    ByteView tol = c_.Bytes(8);
    RETURN_IF_ERROR(CheckEnd(h, "TMatrixTBase<double>"));
    const int32_t rows = v[0], cols = v[1];
    if (rows < 0 || cols < 0) return Status::Corruption("matrix of " + std::to_string(rows) + " rows");
    const uint64_t count = static_cast<uint64_t>(rows) * (static_cast<uint64_t>(cols) + 1) / 2;
    if (count > c_.remaining() / 8) {
      return Status::Corruption("matrix claims " + std::to_string(count) + " elements with " +
                                std::to_string(c_.remaining()) + " bytes left");
    }
    for (int i = 0; i < 4; ++i) AppendI32(v[i], out.child(static_cast<size_t>(i)));
    AppendU32(static_cast<uint32_t>(v[4]), out.child(4));
    AppendI32(v[5], out.child(5));
    AppendPrims(Prim{PrimKind::kF64}, tol.data(), 1, out.child(6));
    ArrayBuilder& elements = out.child(7);
    RETURN_IF_ERROR(elements.CheckOffsetRoom(count));
    ByteView e = c_.Bytes(static_cast<size_t>(count) * 8);
    AppendPrims(Prim{PrimKind::kF64}, e.data(), static_cast<size_t>(count), elements.child(0));
    elements.offsets().push_back(static_cast<int32_t>(elements.child(0).length()));
    elements.AddLength(1);
    out.AddLength(1);
    return c_.status();
  }

  Status CheckEnd(const root_format::VersionHeader& h, const std::string& what) {
    if (!c_.ok()) return c_.status();
    if (h.has_byte_count && c_.pos() != h.end) {
      return Status::Corruption("object of class " + what + " ends at byte " +
                                std::to_string(c_.pos()) + ", its header says " +
                                std::to_string(h.end));
    }
    return Status::OK();
  }

  Status ReadItems(const Node& item, size_t count, ArrayBuilder& list) {
    RETURN_IF_ERROR(list.CheckOffsetRoom(count));
    ArrayBuilder& child = list.child(0);
    if (item.kind == Node::Kind::kPrim && item.prim.is_fixed()) {
      size_t w = static_cast<size_t>(item.prim.WireSize());
      if (count > c_.remaining() / w) {
        return Status::Corruption(std::to_string(count) + " values do not fit in " +
                                  std::to_string(c_.remaining()) + " bytes");
      }
      ByteView b = c_.Bytes(count * w);
      AppendPrims(item.prim, b.data(), count, child);
    } else {
      for (size_t i = 0; i < count; ++i) RETURN_IF_ERROR(Read(item, child));
    }
    list.offsets().push_back(static_cast<int32_t>(child.length()));
    list.AddLength(1);
    return Status::OK();
  }

  Status ReadMembers(const Node& obj, ArrayBuilder& out, std::vector<int64_t>& ints) {
    root_format::VersionHeader h;
    if (obj.header) {
      h = c_.ReadVersion();
      if (!c_.ok()) return c_.status();
      if (h.version & root_format::kByteCountVMask) {
        return Status::Unsupported("member-wise streamed object of class " + obj.class_name);
      }
      if (h.version != 0 && obj.version > 0 && h.version != obj.version) {
        return Status::Unsupported("an object of class " + obj.class_name + " version " +
                                   std::to_string(h.version) + " where its streamer info is of version " +
                                   std::to_string(obj.version));
      }
    }
    for (size_t i = 0; i < obj.children.size(); ++i) {
      const Node& m = obj.children[i];
      switch (m.kind) {
        case Node::Kind::kTObject:
          c_.SkipTObject();
          break;
        case Node::Kind::kBase: {
          std::vector<int64_t> base_ints(m.children.size(), 0);
          RETURN_IF_ERROR(ReadMembers(m, out, base_ints));
          break;
        }
        case Node::Kind::kVarArray: {
          // TStreamerInfo::WriteBufferAux, kOffsetP: a byte saying whether the array is
          // there (a null pointer or a zero count writes 0 and nothing more), then the values.
          const uint8_t present = c_.U8();
          int64_t count = m.count_member >= 0 ? ints[static_cast<size_t>(m.count_member)] : 0;
          if (count < 0) return Status::Corruption("negative array count " + std::to_string(count));
          if (!present) count = 0;
          std::optional<ArrayBuilder> dropped;
          if (m.field_index < 0) dropped.emplace(m.type);
          RETURN_IF_ERROR(ReadItems(m.children[0], static_cast<size_t>(count),
                                    dropped ? *dropped : out.child(static_cast<size_t>(m.field_index))));
          break;
        }
        default: {
          std::optional<ArrayBuilder> dropped;  // a member hidden by a later one of its name
          if (m.field_index < 0) dropped.emplace(m.type);
          ArrayBuilder& child =
              dropped ? *dropped : out.child(static_cast<size_t>(m.field_index));
          if (m.kind == Node::Kind::kPrim && m.prim.is_plain() &&
              m.prim.OutputType() != TypeId::kFloat32 && m.prim.OutputType() != TypeId::kFloat64 &&
              m.prim.OutputType() != TypeId::kBool) {
            // Remember integers: a later variable array may be counted by this member.
            size_t w = static_cast<size_t>(m.prim.WireSize());
            ByteView b = c_.Bytes(w);
            if (!c_.ok()) return c_.status();
            int64_t v = 0;
            switch (w) {
              case 1: v = static_cast<int8_t>(b[0]); break;
              case 2: v = static_cast<int16_t>(LoadBE16(b.data())); break;
              case 4: v = static_cast<int32_t>(LoadBE32(b.data())); break;
              default: v = static_cast<int64_t>(LoadBE64(b.data())); break;
            }
            ints[i] = v;
            AppendPrims(m.prim, b.data(), 1, child);
          } else {
            RETURN_IF_ERROR(Read(m, child));
          }
        }
      }
      if (!c_.ok()) return c_.status();
    }
    if (obj.header) return CheckEnd(h, obj.class_name);
    return Status::OK();
  }

  Status SkipHeader() {
    root_format::VersionHeader h = c_.ReadVersion();
    if (!c_.ok()) return c_.status();
    if (h.version & root_format::kByteCountVMask) return Status::Unsupported("member-wise streamed container");
    return Status::OK();
  }

  Cursor& c_;
  std::unordered_map<uint32_t, std::string> classes_;  ///< class tags seen in this entry
};

}  // namespace

bool NeedsCounts(const ColumnPlan& plan, const Basket& basket) {
  return plan.mode == ColumnPlan::Mode::kJagged && !basket.has_entry_offsets() &&
         basket.num_entries > 0;
}

void AppendIntegers(const ArrayData& data, std::vector<int64_t>* out) {
  static const Buffer kEmpty;
  const auto& buf = data.buffers.empty() ? kEmpty : data.buffers[0];
  for (int64_t i = 0; i < data.length; ++i) {
    int64_t v = 0;
    const uint8_t* p = buf.data();
    size_t k = static_cast<size_t>(i);
    switch (data.type->id) {
      case TypeId::kInt8: v = reinterpret_cast<const int8_t*>(p)[k]; break;
      case TypeId::kUInt8: v = p[k]; break;
      case TypeId::kInt16: v = reinterpret_cast<const int16_t*>(p)[k]; break;
      case TypeId::kUInt16: v = reinterpret_cast<const uint16_t*>(p)[k]; break;
      case TypeId::kInt32: v = reinterpret_cast<const int32_t*>(p)[k]; break;
      case TypeId::kUInt32: v = reinterpret_cast<const uint32_t*>(p)[k]; break;
      case TypeId::kInt64: v = reinterpret_cast<const int64_t*>(p)[k]; break;
      case TypeId::kUInt64: v = static_cast<int64_t>(reinterpret_cast<const uint64_t*>(p)[k]); break;
      default: break;
    }
    out->push_back(v);
  }
}

Status DecodeBasket(const ColumnPlan& plan, const Basket& basket, int64_t first, int64_t last,
                    std::span<const int64_t> counts, ArrayBuilder& out) {
  if (first < 0 || last > basket.num_entries || first > last) {
    return Status::InvalidArgument("entry range [" + std::to_string(first) + ", " +
                                   std::to_string(last) + ") outside a basket of " +
                                   std::to_string(basket.num_entries) + " entries");
  }
  const ByteView data = basket.data;
  const auto& offs = basket.entry_offsets;
  const int64_t n = last - first;
  switch (plan.mode) {
    case ColumnPlan::Mode::kFixed: {
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
    case ColumnPlan::Mode::kJagged: {
      const int32_t item_size = FixedWireSize(plan.node);
      if (item_size <= 0) return Status::Corruption("jagged column without a fixed item size");
      ArrayBuilder& child = out.child(0);
      const size_t hb = static_cast<size_t>(plan.header_bytes);
      if (basket.has_entry_offsets() && hb == 0 && last > first) {
        // No per-entry headers (leaf arrays with a counter, x[n]/F): the items of entries
        // [first, last) are one contiguous run, so check the offsets and build the Arrow
        // offsets in one pass, then convert all items in one bulk call.
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
        AppendFixed(plan.node, data.data() + a0, total, child);
        out.AddLength(n);
        return Status::OK();
      }
      if (basket.has_entry_offsets()) {
        // Items of consecutive entries are contiguous once headers are skipped; append per entry.
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
          AppendFixed(plan.node, data.data() + a + (payload == 0 ? 0 : hb), k, child);
          out.offsets().push_back(static_cast<int32_t>(child.length()));
        }
        out.AddLength(n);
        return Status::OK();
      }
      // No entry-offset table (ROOT ≥ 6.12 may omit it): sizes come from the counter branch.
      if (hb != 0) {
        return Status::Corruption("basket has no entry-offset table but entries have headers");
      }
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
        AppendFixed(plan.node, data.data() + pos, k, child);
        pos += k * static_cast<size_t>(item_size);
        out.offsets().push_back(static_cast<int32_t>(child.length()));
      }
      out.AddLength(n);
      return Status::OK();
    }
    case ColumnPlan::Mode::kPerEntry: {
      if (basket.has_entry_offsets()) {
        for (int64_t e = first; e < last; ++e) {
          size_t a = static_cast<size_t>(offs[static_cast<size_t>(e)]);
          size_t b = static_cast<size_t>(offs[static_cast<size_t>(e) + 1]);
          if (a == b && plan.node.kind != Node::Kind::kRepeat) {
            // Seen for std::bitset members that ROOT did not stream (no collection proxy
            // when the file was written): there is nothing to read a value from.
            return Status::Unsupported("ROOT wrote no bytes for this branch's entries (a " +
                                       plan.root_type + " it did not stream); there are no "
                                       "values to read")
                .AddContext(EntryWhere(e, a));
          }
          // Object references inside an entry count from the basket buffer's start.
          Cursor c(data.subspan(a, b - a), static_cast<int64_t>(basket.key_length) +
                                               static_cast<int64_t>(a));
          NodeReader r(c);
          Status st = r.Read(plan.node, out);
          if (st.ok() && c.remaining() != 0) {
            st = Status::Corruption(std::to_string(c.remaining()) + " of " +
                                    std::to_string(b - a) + " bytes left unread");
          }
          if (!st.ok()) return std::move(st).AddContext(EntryWhere(e, a));
        }
        return Status::OK();
      }
      // Entries back to back: parse from the basket start.
      if (plan.node.kind == Node::Kind::kRepeat) {
        return Status::Corruption("basket has no entry-offset table; a split collection's "
                                  "member needs one to tell its entries apart");
      }
      Cursor c(data);
      NodeReader r(c);
      ArrayBuilder scratch(out.type());
      for (int64_t e = 0; e < last; ++e) {
        size_t at = c.pos();
        Status st = r.Read(plan.node, e < first ? scratch : out);
        if (!st.ok()) return std::move(st).AddContext(EntryWhere(e, at));
      }
      return Status::OK();
    }
  }
  return Status::OK();
}

}  // namespace arrowroot::to_arrow
