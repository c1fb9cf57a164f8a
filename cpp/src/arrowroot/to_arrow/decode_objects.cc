// Objects, STL containers and everything else read entry by entry: the Node interpreter.
//
// Over 500 lines on purpose: NodeReader is one class, the recursive per-value interpreter
// of the plan's Node tree, and its methods call each other per value; splitting it across
// files would put a header with its private state between them and make the hot recursion
// cross translation units. Its byte layouts are those of ROOT's TStreamerInfo::WriteBufferAux,
// TBufferFile and the custom Streamers of TRef, TRefArray, TDatime and TMatrixTSym
// (docs/format/README.md, "Objects in branches"; uproot interpretation/objects.py).
#include <cstring>
#include <optional>
#include <string>
#include <unordered_map>

#include "arrowroot/root_format/cursor.h"
#include "arrowroot/to_arrow/decode.h"
#include "arrowroot/to_arrow/kinds_internal.h"

namespace arrowroot::to_arrow {

using root_format::Basket;
using root_format::Cursor;

std::string EntryWhere(int64_t entry, size_t offset) {
  return "entry " + std::to_string(entry) + " of the basket (byte " + std::to_string(offset) + ")";
}

namespace {

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
  ///
  /// Over ~80 lines on purpose: one switch with a short case per Node kind, run once per value
  /// read; each case is the kind's whole wire layout, read top to bottom beside the others.
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
    return AppendUtf8(b.data(), len, out);
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

Status DecodePerEntry(const ColumnPlan& plan, const Basket& basket, int64_t first, int64_t last,
                      ArrayBuilder& out) {
  const ByteView data = basket.data;
  const auto& offs = basket.entry_offsets;
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

}  // namespace arrowroot::to_arrow
