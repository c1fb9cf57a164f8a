#include "arrowroot/to_arrow/column_plan.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>

#include "arrowroot/root_format/wire.h"

namespace arrowroot::to_arrow {

using root_format::Branch;
using root_format::Leaf;
using root_format::StreamerElement;
using root_format::StreamerInfo;

int Prim::WireSize() const {
  switch (kind) {
    case PrimKind::kBool:
    case PrimKind::kI8:
    case PrimKind::kU8: return 1;
    case PrimKind::kI16:
    case PrimKind::kU16: return 2;
    case PrimKind::kI32:
    case PrimKind::kU32:
    case PrimKind::kF32:
    case PrimKind::kFloat16:
    case PrimKind::kDouble32:
    case PrimKind::kDouble32AsFloat:
    case PrimKind::kBits: return 4;
    case PrimKind::kI64:
    case PrimKind::kU64:
    case PrimKind::kF64: return 8;
    case PrimKind::kDouble32Trunc:
    case PrimKind::kFloat16Trunc: return 3;
  }
  return 0;
}

TypeId Prim::OutputType() const {
  switch (kind) {
    case PrimKind::kBool: return TypeId::kBool;
    case PrimKind::kI8: return TypeId::kInt8;
    case PrimKind::kU8: return TypeId::kUInt8;
    case PrimKind::kI16: return TypeId::kInt16;
    case PrimKind::kU16: return TypeId::kUInt16;
    case PrimKind::kI32: return TypeId::kInt32;
    case PrimKind::kU32:
    case PrimKind::kBits: return TypeId::kUInt32;
    case PrimKind::kI64: return TypeId::kInt64;
    case PrimKind::kU64: return TypeId::kUInt64;
    case PrimKind::kF32:
    case PrimKind::kFloat16:
    case PrimKind::kFloat16Trunc: return TypeId::kFloat32;
    case PrimKind::kF64:
    case PrimKind::kDouble32:
    case PrimKind::kDouble32Trunc:
    case PrimKind::kDouble32AsFloat: return TypeId::kFloat64;
  }
  return TypeId::kInt32;
}


int32_t FixedWireSize(const Node& n) {
  switch (n.kind) {
    case Node::Kind::kPrim: return n.prim.is_fixed() ? n.prim.WireSize() : -1;
    case Node::Kind::kFixedArray: {
      int32_t c = FixedWireSize(n.children[0]);
      if (c < 0 || n.length < 0) return -1;
      // A corrupt length must not overflow; no basket holds an entry of 2 GiB anyway.
      int64_t total = static_cast<int64_t>(c) * n.length;
      return total > INT32_MAX ? -1 : static_cast<int32_t>(total);
    }
    default: return -1;
  }
}

namespace {

constexpr int kMaxDepth = 32;

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

/// Float16_t / Double32_t range "[low, high(, bits)]" in a title (ROOT TStreamerElement::
/// GetRange; uproot identify.py _float16_or_double32). Returns false if there is none.
bool ParseRange(const std::string& title, double* low, double* high, int* bits, bool* has_bits) {
  size_t l = title.find('['), r = title.find(']');
  if (l == std::string::npos || r == std::string::npos || r < l) return false;
  std::string inner = title.substr(l + 1, r - l - 1);
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t comma = inner.find(',', start);
    parts.push_back(Trim(inner.substr(start, comma == std::string::npos ? std::string::npos
                                                                         : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (parts.size() != 2 && parts.size() != 3) return false;
  auto num = [](const std::string& s, double* out) {
    std::string t = s;
    double sign = 1;
    if (!t.empty() && t[0] == '-') {
      sign = -1;
      t = Trim(t.substr(1));
    }
    // ROOT accepts pi expressions in ranges; support the common forms.
    auto pos = t.find("pi");
    if (pos != std::string::npos) {
      double mult = 1;
      std::string pre = Trim(t.substr(0, pos));
      if (!pre.empty() && pre.back() == '*') pre.pop_back();
      if (!pre.empty()) mult = std::strtod(pre.c_str(), nullptr);
      std::string post = t.substr(pos + 2);
      double div = 1;
      if (auto slash = post.find('/'); slash != std::string::npos) {
        div = std::strtod(post.c_str() + slash + 1, nullptr);
      }
      *out = sign * mult * 3.141592653589793 / div;
      return true;
    }
    char* end = nullptr;
    *out = sign * std::strtod(t.c_str(), &end);
    return end && *end == '\0' && !t.empty();
  };
  if (!num(parts[0], low) || !num(parts[1], high)) return false;
  *has_bits = parts.size() == 3;
  if (*has_bits) {
    char* end = nullptr;
    long b = std::strtol(parts[2].c_str(), &end, 10);
    if (!end || *end != '\0') return false;
    *bits = static_cast<int>(b);
  }
  return true;
}

Prim PackedFloat(bool is_float16, const std::string& title) {
  Prim p;
  double low = 0, high = 0;
  int bits = 0;
  bool has_bits = false;
  bool ok = ParseRange(title, &low, &high, &bits, &has_bits);
  if (!is_float16) {
    if (!ok) {
      p.kind = PrimKind::kDouble32AsFloat;
      return p;
    }
    if (!has_bits || bits < 2 || bits > 32) bits = 32;
  } else {
    if (!ok) {
      bits = 12;
    } else if (!has_bits || bits < 2 || bits > 32) {
      bits = 32;
    }
  }
  p.low = low;
  p.high = high;
  p.num_bits = bits;
  bool truncated = low == 0 && high == 0;
  if (is_float16) {
    p.kind = truncated ? PrimKind::kFloat16Trunc : PrimKind::kFloat16;
  } else {
    p.kind = truncated ? PrimKind::kDouble32Trunc : PrimKind::kDouble32;
  }
  return p;
}

/// A streamer type code 1..19 (ROOT TVirtualStreamerInfo EReadWrite) as a wire primitive.
Result<Prim> PrimFromStreamerType(int type, const std::string& title) {
  Prim p;
  switch (type) {
    case root_format::kBool: p.kind = PrimKind::kBool; break;
    case root_format::kChar: p.kind = PrimKind::kI8; break;
    case root_format::kUChar: p.kind = PrimKind::kU8; break;
    case root_format::kShort: p.kind = PrimKind::kI16; break;
    case root_format::kUShort: p.kind = PrimKind::kU16; break;
    case root_format::kInt: p.kind = PrimKind::kI32; break;
    case root_format::kUInt:
    case root_format::kCounter: p.kind = PrimKind::kU32; break;
    case root_format::kBits: p.kind = PrimKind::kBits; break;
    case root_format::kLong:
    case root_format::kLong64: p.kind = PrimKind::kI64; break;
    case root_format::kULong:
    case root_format::kULong64: p.kind = PrimKind::kU64; break;
    case root_format::kFloat: p.kind = PrimKind::kF32; break;
    case root_format::kDouble: p.kind = PrimKind::kF64; break;
    case root_format::kDouble32: return PackedFloat(false, title);
    case root_format::kFloat16: return PackedFloat(true, title);
    default:
      return Status::Unsupported("streamer type code " + std::to_string(type));
  }
  return p;
}

Result<Prim> PrimFromLeaf(const Leaf& leaf) {
  const std::string& c = leaf.class_name;
  Prim p;
  bool u = leaf.is_unsigned;
  if (c == "TLeafO") p.kind = PrimKind::kBool;
  else if (c == "TLeafB") p.kind = u ? PrimKind::kU8 : PrimKind::kI8;
  else if (c == "TLeafS") p.kind = u ? PrimKind::kU16 : PrimKind::kI16;
  else if (c == "TLeafI") p.kind = u ? PrimKind::kU32 : PrimKind::kI32;
  else if (c == "TLeafL" || c == "TLeafG") p.kind = u ? PrimKind::kU64 : PrimKind::kI64;
  else if (c == "TLeafF") p.kind = PrimKind::kF32;
  else if (c == "TLeafD") p.kind = PrimKind::kF64;
  else if (c == "TLeafF16") return PackedFloat(true, leaf.title);
  else if (c == "TLeafD32") return PackedFloat(false, leaf.title);
  else return Status::Unsupported("leaf class " + c);
  return p;
}

std::string LeafCppType(const Leaf& leaf) {
  const std::string& c = leaf.class_name;
  std::string t;
  if (c == "TLeafO") t = "Bool_t";
  else if (c == "TLeafB") t = leaf.is_unsigned ? "UChar_t" : "Char_t";
  else if (c == "TLeafS") t = leaf.is_unsigned ? "UShort_t" : "Short_t";
  else if (c == "TLeafI") t = leaf.is_unsigned ? "UInt_t" : "Int_t";
  else if (c == "TLeafL") t = leaf.is_unsigned ? "ULong64_t" : "Long64_t";
  else if (c == "TLeafG") t = leaf.is_unsigned ? "ULong_t" : "Long_t";
  else if (c == "TLeafF") t = "Float_t";
  else if (c == "TLeafD") t = "Double_t";
  else if (c == "TLeafF16") t = "Float16_t";
  else if (c == "TLeafD32") t = "Double32_t";
  else if (c == "TLeafC") t = "char*";
  else t = c;
  return t;
}

/// Dimensions from a leaf title: "x[n][3]" → counter "n", fixed {3}. Only groups that are a
/// number or an identifier count (a Double32 title "d[-2.71,10,30]" has neither).
void ParseDims(const std::string& title, std::string* counter, std::vector<int32_t>* fixed) {
  size_t pos = 0;
  bool first = true;
  while ((pos = title.find('[', pos)) != std::string::npos) {
    size_t end = title.find(']', pos);
    if (end == std::string::npos) break;
    std::string g = Trim(title.substr(pos + 1, end - pos - 1));
    pos = end + 1;
    if (g.empty()) continue;
    bool digits = true, ident = true;
    for (char ch : g) {
      if (!std::isdigit(static_cast<unsigned char>(ch))) digits = false;
      if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.')) ident = false;
    }
    if (digits) {
      // A leaf's fLen (the product of the dimensions) is an int32: anything larger is a
      // corrupt title, not a shape (and must not overflow the products computed from it).
      int64_t d = g.size() <= 10 ? std::strtoll(g.c_str(), nullptr, 10) : -1;
      int64_t product = d;
      for (int32_t x : *fixed) {
        if (product >= 0 && product <= INT32_MAX) product *= x;
      }
      if (d < 0 || product > INT32_MAX) {
        fixed->clear();
        counter->clear();
        return;
      }
      fixed->push_back(static_cast<int32_t>(d));
    } else if (ident && first) {
      *counter = g;
    } else {
      fixed->clear();
      counter->clear();
      return;
    }
    first = false;
  }
}

Node PrimNode(const Prim& p) {
  Node n;
  n.kind = Node::Kind::kPrim;
  n.prim = p;
  return n;
}

/// Wrap `inner` in fixed arrays, outermost dimension first.
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

Node StringNode(bool header) {
  Node n;
  n.kind = Node::Kind::kString;
  n.header = header;
  return n;
}

/// Compute output types and struct field indices; returns the node's output type.
std::shared_ptr<DataType> Prim32(TypeId id) { return MakePrimitive(id); }

/// The record a class with a custom streamer becomes, named as uproot's models name them
/// (uproot models/TRef.py, TDatime.py, TMatrixT.py), so that values compare field by field.
std::shared_ptr<DataType> SpecialType(Node::Kind kind) {
  switch (kind) {
    case Node::Kind::kTRef: return MakeStruct({{"ref", Prim32(TypeId::kUInt32)}});
    case Node::Kind::kTRefArray:
      return MakeStruct({{"fName", Prim32(TypeId::kUtf8)},
                         {"fSize", Prim32(TypeId::kInt32)},
                         {"refs", MakeList(Prim32(TypeId::kInt32))}});
    case Node::Kind::kTDatime: return MakeStruct({{"fDatime", Prim32(TypeId::kUInt32)}});
    case Node::Kind::kMatrixSym:
      return MakeStruct({{"fNrows", Prim32(TypeId::kInt32)},
                         {"fNcols", Prim32(TypeId::kInt32)},
                         {"fRowLwb", Prim32(TypeId::kInt32)},
                         {"fColLwb", Prim32(TypeId::kInt32)},
                         {"fNelems", Prim32(TypeId::kUInt32)},
                         {"fNrowIndex", Prim32(TypeId::kInt32)},
                         {"fTol", Prim32(TypeId::kFloat64)},
                         {"fElements", MakeList(Prim32(TypeId::kFloat64))}});
    case Node::Kind::kBitset: return MakeList(Prim32(TypeId::kBool));
    default: return nullptr;
  }
}

/// Compute output types and struct field indices; returns the node's output type.
Status FinalizeTypes(Node& n) {
  switch (n.kind) {
    case Node::Kind::kPrim: n.type = MakePrimitive(n.prim.OutputType()); break;
    case Node::Kind::kString:
    case Node::Kind::kCharStar: n.type = MakePrimitive(TypeId::kUtf8); break;
    case Node::Kind::kFixedArray:
      RETURN_IF_ERROR(FinalizeTypes(n.children[0]));
      if (n.length <= 0) return Status::Unsupported("fixed array of length " + std::to_string(n.length));
      if (FixedWireSize(n.children[0]) >= 0 && FixedWireSize(n) < 0) {
        return Status::Unsupported("fixed array of length " + std::to_string(n.length) +
                                   " is larger than a basket can hold");
      }
      n.type = MakeFixedSizeList(n.children[0].type, n.length);
      break;
    case Node::Kind::kDynamic:
    case Node::Kind::kPointer:
      RETURN_IF_ERROR(FinalizeTypes(n.children[0]));
      if (!n.children[0].type) return Status::Unsupported("a pointer to a TObject");
      n.type = n.children[0].type;
      break;
    case Node::Kind::kVector:
    case Node::Kind::kVarArray:
    case Node::Kind::kRepeat:
      RETURN_IF_ERROR(FinalizeTypes(n.children[0]));
      if (!n.children[0].type) return Status::Unsupported("a container of base classes");
      n.type = MakeList(n.children[0].type, n.children[0].nullable());
      break;
    case Node::Kind::kMap:
      RETURN_IF_ERROR(FinalizeTypes(n.children[0]));
      RETURN_IF_ERROR(FinalizeTypes(n.children[1]));
      n.type = MakeMap(n.children[0].type, n.children[1].type);
      break;
    case Node::Kind::kObject: {
      std::vector<Field> fields;
      std::vector<Node*> owners;  // the member that fills each field
      // Members of bases are merged in order (uproot flattens base classes the same way). A
      // member of the class that has the name of a base's member (zCluster::Primary hides
      // zHit::Primary) takes that field, as in uproot's record; the hidden one is read and
      // dropped.
      std::function<Status(Node&)> collect = [&](Node& parent) -> Status {
        for (Node& m : parent.children) {
          if (m.kind == Node::Kind::kTObject) continue;
          if (m.kind == Node::Kind::kBase) {
            RETURN_IF_ERROR(collect(m));
            continue;
          }
          RETURN_IF_ERROR(FinalizeTypes(m));
          auto same = std::find_if(fields.begin(), fields.end(),
                                   [&](const Field& f) { return f.name == m.name; });
          if (same != fields.end()) {
            const size_t k = static_cast<size_t>(same - fields.begin());
            owners[k]->field_index = -1;
            m.field_index = static_cast<int>(k);
            same->type = m.type;
            same->nullable = m.nullable();
            owners[k] = &m;
            continue;
          }
          m.field_index = static_cast<int>(fields.size());
          fields.push_back({m.name, m.type, m.nullable()});
          owners.push_back(&m);
        }
        return Status::OK();
      };
      RETURN_IF_ERROR(collect(n));
      n.type = MakeStruct(std::move(fields));
      break;
    }
    case Node::Kind::kBitset:
    case Node::Kind::kTRef:
    case Node::Kind::kTRefArray:
    case Node::Kind::kTDatime:
    case Node::Kind::kMatrixSym: n.type = SpecialType(n.kind); break;
    case Node::Kind::kBase:
    case Node::Kind::kTObject:
      break;
  }
  return Status::OK();
}

Node KindNode(Node::Kind kind, bool header = false) {
  Node n;
  n.kind = kind;
  n.header = header;
  return n;
}

class TypeBuilder {
 public:
  explicit TypeBuilder(const StreamerLookup& s) : streamers_(s) {}

  /// A C++ type name as written in fClassName / fTypeName ("vector<vector<float> >").
  /// `header`: whether a container/string at this level carries a byte-count header;
  /// `inner_header` the same for the containers and strings inside it. Objects always carry
  /// theirs (uproot identify.py parse_typename: outer_header, inner_header).
  Result<Node> FromTypeName(std::string name, bool header, bool inner_header, int depth) {
    if (depth > kMaxDepth) return Status::Unsupported("type nesting deeper than 32");
    name = Normalize(name);
    if (name.rfind("const ", 0) == 0) name = name.substr(6);
    if (auto prim = PrimFromTypeName(name); prim.has_value()) return PrimNode(*prim);
    if (name == "string" || name == "std::string") return StringNode(header);
    if (name == "TString") return StringNode(false);
    std::string tmpl, arg;
    if (SplitTemplate(name, &tmpl, &arg)) {
      if (tmpl == "vector" || tmpl == "std::vector" || tmpl == "set" || tmpl == "std::set" ||
          tmpl == "list" || tmpl == "std::list" || tmpl == "deque" || tmpl == "std::deque" ||
          tmpl == "unordered_set" || tmpl == "std::unordered_set" ||
          tmpl == "multiset" || tmpl == "std::multiset" || tmpl == "ROOT::VecOps::RVec") {
        // Drop an allocator argument if present.
        auto args = SplitArgs(arg);
        ASSIGN_OR_RETURN(Node item, FromTypeName(args[0], inner_header, inner_header, depth + 1));
        Node v = KindNode(Node::Kind::kVector, header);
        v.children.push_back(std::move(item));
        return v;
      }
      if (tmpl == "map" || tmpl == "std::map" || tmpl == "unordered_map" ||
          tmpl == "std::unordered_map" || tmpl == "multimap" || tmpl == "std::multimap") {
        auto args = SplitArgs(arg);
        if (args.size() < 2) return Status::Unsupported("C++ type '" + name + "'");
        // Keys and values take the map's own header flag (uproot identify.py _parse_node).
        ASSIGN_OR_RETURN(Node key, FromTypeName(args[0], header, inner_header, depth + 1));
        ASSIGN_OR_RETURN(Node value, FromTypeName(args[1], header, inner_header, depth + 1));
        Node m = KindNode(Node::Kind::kMap, header);
        m.children.push_back(std::move(key));
        m.children.push_back(std::move(value));
        return m;
      }
      if (tmpl == "bitset" || tmpl == "std::bitset") {
        // [header] u32 number of bits, then one byte per bit, bit 0 first (TStreamerInfo
        // streams a bitset as an STL collection of bool; uproot containers.py AsBitSet).
        return KindNode(Node::Kind::kBitset, header);
      }
      if (tmpl == "pair" || tmpl == "std::pair") {
        // A class like any other when the file has its streamer info (it usually does);
        // otherwise `first` then `second`, each as it would be streamed as a member.
        if (Info(name)) return FromClass(name, depth + 1);
        auto args = SplitArgs(arg);
        if (args.size() != 2) return Status::Unsupported("C++ type '" + name + "'");
        Node pair = KindNode(Node::Kind::kObject, true);
        pair.name = pair.class_name = name;
        for (int k = 0; k < 2; ++k) {
          ASSIGN_OR_RETURN(Node m, FromTypeName(args[static_cast<size_t>(k)], true, false, depth + 1));
          m.name = k == 0 ? "first" : "second";
          pair.children.push_back(std::move(m));
        }
        return pair;
      }
      // Any other template is a class (TMatrixTSym<double>, ElementLink<...>, user templates).
      return FromClass(name, depth + 1);
    }
    if (!name.empty() && name.back() == '*') return PointerTo(StripPointer(name), depth);
    return FromClass(name, depth + 1);
  }

  /// An object streamed with its streamer info: `[header] members` (the header is dropped by
  /// the caller where ROOT writes none). Classes with a custom Streamer whose bytes the
  /// streamer info does not describe are recognised by name.
  Result<Node> FromClass(const std::string& cls, int depth) {
    if (depth > kMaxDepth) return Status::Unsupported("class nesting deeper than 32");
    if (cls == "TObject") return KindNode(Node::Kind::kTObject);
    // TRef::Streamer: the TObject part (uid = the referenced object's id) and a u16 process
    // id, no byte count; TDatime::Streamer: one u32; TRefArray::Streamer: its own layout
    // (ROOT core/base/src/TRef.cxx, TDatime.cxx, core/cont/src/TRefArray.cxx).
    if (cls == "TRef") return KindNode(Node::Kind::kTRef);
    if (cls == "TDatime") return KindNode(Node::Kind::kTDatime);
    if (cls == "TRefArray") return KindNode(Node::Kind::kTRefArray, true);
    if (cls == "TMatrixTSym<double>") return KindNode(Node::Kind::kMatrixSym, true);
    const StreamerInfo* info = Info(cls);
    if (!info && cls.rfind("ElementLink<", 0) == 0 && Info("ElementLinkBase")) {
      // ATLAS writes no streamer info for some ElementLink<T> (xAOD::MuonSegment_v1,
      // NeutralParticle_v1); every ElementLink<T> is its header and an ElementLinkBase
      // (m_persKey, m_persIndex), as the others in the same files show and uproot's
      // interpretation/known_forth/atlas.py (VectorVectorElementLink) reads them.
      Node link = KindNode(Node::Kind::kObject, true);
      link.name = link.class_name = cls;
      ASSIGN_OR_RETURN(Node base, FromClass("ElementLinkBase", depth + 1));
      base.kind = Node::Kind::kBase;
      link.children.push_back(std::move(base));
      return link;
    }
    if (!info) {
      return Status::Unsupported("class '" + cls + "' has no streamer info in the file");
    }
    Node obj = KindNode(Node::Kind::kObject, true);
    obj.name = obj.class_name = cls;
    obj.version = info->class_version;
    for (const StreamerElement& e : info->elements) {
      ASSIGN_OR_RETURN(Node m, FromElement(e, obj, depth + 1));
      obj.children.push_back(std::move(m));
    }
    return obj;
  }

  /// A pointer to an object of class `cls` (with its header), or null.
  Result<Node> PointerTo(const std::string& cls, int depth) {
    ASSIGN_OR_RETURN(Node pointee, FromTypeName(cls, true, false, depth + 1));
    if (pointee.kind != Node::Kind::kObject) {
      return Status::Unsupported("a pointer to '" + cls + "', which is not a class with streamer info");
    }
    Node p = KindNode(Node::Kind::kPointer);
    p.name = cls;
    p.children.push_back(std::move(pointee));
    return p;
  }

  /// One member as TStreamerInfo::WriteBufferAux writes a single object's element.
  Result<Node> FromElement(const StreamerElement& e, const Node& enclosing, int depth) {
    Node n;
    int t = e.type;
    if (e.element_class == "TStreamerBase" || t == root_format::kBase) {
      if (e.name == "TObject") return KindNode(Node::Kind::kTObject);
      ASSIGN_OR_RETURN(Node base, FromClass(e.name, depth));
      if (base.kind != Node::Kind::kObject) {
        return Status::Unsupported("base class '" + e.name + "' with a custom streamer");
      }
      base.kind = Node::Kind::kBase;
      return base;
    }
    if (t == root_format::kTObject) return KindNode(Node::Kind::kTObject);
    if (t == root_format::kCharStar) {
      n = KindNode(Node::Kind::kCharStar);
    } else if (root_format::IsBasicType(t)) {
      ASSIGN_OR_RETURN(Prim p, PrimFromStreamerType(t, e.title));
      n = PrimNode(p);
    } else if (root_format::IsBasicArrayType(t)) {
      ASSIGN_OR_RETURN(Prim p, PrimFromStreamerType(t - root_format::kOffsetL, e.title));
      if (!p.is_fixed()) return Status::Unsupported("an array of fBits");
      n = WrapFixed(PrimNode(p), Dims(e));
    } else if (root_format::IsBasicPointerType(t)) {
      ASSIGN_OR_RETURN(Prim p, PrimFromStreamerType(t - root_format::kOffsetP, e.title));
      n.kind = Node::Kind::kVarArray;
      n.children.push_back(PrimNode(p));
      for (size_t i = 0; i < enclosing.children.size(); ++i) {
        if (enclosing.children[i].name == e.count_name) n.count_member = static_cast<int>(i);
      }
      if (n.count_member < 0) {
        return Status::Unsupported("variable array '" + e.name + "' counted by '" +
                                   e.count_name + "' of a base class");
      }
    } else if (t == root_format::kTString) {
      n = StringNode(false);
    } else if (t == root_format::kObject || t == root_format::kAny || t == root_format::kTNamed ||
               t == root_format::kObjectp || t == root_format::kAnyp) {
      // Objects by value, and `//->` pointers to objects always there: written in place.
      ASSIGN_OR_RETURN(n, FromTypeName(StripPointer(e.type_name), true, false, depth));
    } else if (t == root_format::kOffsetL + root_format::kObject ||
               t == root_format::kOffsetL + root_format::kAny) {
      ASSIGN_OR_RETURN(Node item, FromTypeName(e.type_name, true, false, depth));
      n = WrapFixed(std::move(item), Dims(e));
    } else if (t == root_format::kSTL || t == root_format::kSTLstring ||
               t == root_format::kStreamer) {
      ASSIGN_OR_RETURN(n, FromTypeName(e.type_name, true, false, depth));
    } else if (t == root_format::kStreamLoop) {
      return Status::Unsupported("member '" + e.name + "' is an array of " + e.type_name +
                                 " counted by '" + e.count_name +
                                 "', written by the class's own Streamer");
    } else if (t == root_format::kObjectP || t == root_format::kAnyP) {
      // A pointer that may be null: written by WriteObjectAny (TStreamerInfo::WriteBufferAux).
      ASSIGN_OR_RETURN(n, PointerTo(StripPointer(e.type_name), depth));
    } else {
      return Status::Unsupported("member '" + e.name + "' of type '" + e.type_name +
                                 "' (streamer type " + std::to_string(t) + ")");
    }
    n.name = e.name;
    return n;
  }

 private:
  /// The streamer info of a class. Type names come normalised ("A<B<C>>"), while ROOT
  /// spells nested template closers apart ("A<B<C> >") in streamer infos and fClassName.
  const StreamerInfo* Info(const std::string& cls) const {
    if (!streamers_) return nullptr;
    if (const StreamerInfo* info = streamers_(cls)) return info;
    std::string spaced;
    for (char c : cls) {
      if (c == '>' && !spaced.empty() && spaced.back() == '>') spaced += ' ';
      spaced += c;
    }
    return spaced == cls ? nullptr : streamers_(spaced);
  }

  static std::vector<int32_t> Dims(const StreamerElement& e) {
    std::vector<int32_t> dims;
    for (int i = 0; i < e.array_dim && i < 5; ++i) dims.push_back(e.max_index[i]);
    if (dims.empty()) dims.push_back(e.array_length);
    return dims;
  }

  static std::string StripPointer(std::string s) {
    while (!s.empty() && (s.back() == '*' || s.back() == ' ')) s.pop_back();
    if (s.rfind("const ", 0) == 0) s = s.substr(6);
    return s;
  }

  static std::string Normalize(std::string s) {
    std::string out;
    for (char c : s) {
      if (std::isspace(static_cast<unsigned char>(c))) {
        if (!out.empty() && (std::isalnum(static_cast<unsigned char>(out.back())) || out.back() == '_'))
          out += ' ';
        continue;
      }
      if ((c == '<' || c == '>' || c == ',' || c == '*') && !out.empty() && out.back() == ' ')
        out.pop_back();
      out += c;
    }
    return Trim(out);
  }

  static bool SplitTemplate(const std::string& name, std::string* tmpl, std::string* arg) {
    size_t lt = name.find('<');
    if (lt == std::string::npos || name.back() != '>') return false;
    *tmpl = Trim(name.substr(0, lt));
    *arg = name.substr(lt + 1, name.size() - lt - 2);
    return true;
  }

  static std::vector<std::string> SplitArgs(const std::string& s) {
    std::vector<std::string> out;
    int depth = 0;
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '<') ++depth;
      if (s[i] == '>') --depth;
      if (s[i] == ',' && depth == 0) {
        out.push_back(Trim(s.substr(start, i - start)));
        start = i + 1;
      }
    }
    out.push_back(Trim(s.substr(start)));
    return out;
  }

  static std::optional<Prim> PrimFromTypeName(const std::string& n) {
    Prim p;
    if (n == "bool" || n == "Bool_t") p.kind = PrimKind::kBool;
    else if (n == "char" || n == "Char_t" || n == "signed char" || n == "int8_t") p.kind = PrimKind::kI8;
    else if (n == "unsigned char" || n == "UChar_t" || n == "uint8_t" || n == "Byte_t") p.kind = PrimKind::kU8;
    else if (n == "short" || n == "Short_t" || n == "int16_t") p.kind = PrimKind::kI16;
    else if (n == "unsigned short" || n == "UShort_t" || n == "uint16_t") p.kind = PrimKind::kU16;
    else if (n == "int" || n == "Int_t" || n == "int32_t") p.kind = PrimKind::kI32;
    else if (n == "unsigned int" || n == "UInt_t" || n == "uint32_t" || n == "unsigned") p.kind = PrimKind::kU32;
    else if (n == "long" || n == "Long_t" || n == "Long64_t" || n == "long long" || n == "int64_t") p.kind = PrimKind::kI64;
    else if (n == "unsigned long" || n == "ULong_t" || n == "ULong64_t" || n == "unsigned long long" || n == "uint64_t") p.kind = PrimKind::kU64;
    else if (n == "float" || n == "Float_t") p.kind = PrimKind::kF32;
    else if (n == "double" || n == "Double_t") p.kind = PrimKind::kF64;
    else if (n == "Double32_t") p.kind = PrimKind::kDouble32AsFloat;
    else if (n == "Float16_t") { p.kind = PrimKind::kFloat16Trunc; p.num_bits = 12; }
    else return std::nullopt;
    return p;
  }

  const StreamerLookup& streamers_;
};

Status Unsupported(const Branch& b, const std::string& cpp_type, const Status& why) {
  return Status::Unsupported("branch '" + b.path + "' of C++ type '" + cpp_type +
                             "' cannot be read yet (" + why.message() +
                             "); leave it out with -b/columns")
      .AddContext("branch '" + b.path + "'");
}

/// The streamer element a member branch stands for: element fID of class fClassName.
const StreamerElement* BranchElement(const Branch& b, const StreamerLookup& streamers) {
  if (b.id < 0 || !streamers) return nullptr;
  const StreamerInfo* info = streamers(b.element_class_name);
  if (!info || static_cast<size_t>(b.id) >= info->elements.size()) return nullptr;
  return &info->elements[static_cast<size_t>(b.id)];
}

Result<ColumnPlan> Finish(ColumnPlan plan) {
  RETURN_IF_ERROR(FinalizeTypes(plan.node));
  if (!plan.node.type) {
    // A base class or TObject alone: nothing of it becomes a value at this level.
    return Unsupported(*plan.branch, plan.root_type,
                       Status::Unsupported("a base class with no members of its own"));
  }
  if (plan.mode == ColumnPlan::Mode::kJagged) {
    plan.type = MakeList(plan.node.type, plan.node.nullable());
  } else {
    plan.type = plan.node.type;
  }
  return plan;
}

}  // namespace

std::string DeclaredTypeName(const Branch& b, const StreamerLookup& streamers) {
  if (b.parent == nullptr && !b.element_class_name.empty()) return b.element_class_name;
  if (const StreamerElement* e = BranchElement(b, streamers)) {
    // A base class's element is typed "BASE"; its name is the class.
    return e->element_class == "TStreamerBase" ? e->name : e->type_name;
  }
  return {};
}

bool IsGroupBranch(const Branch& b, const StreamerLookup& streamers) {
  return !b.branches.empty() && DeclaredTypeName(b, streamers) != "TClonesArray";
}

Result<ColumnPlan> PlanColumn(const Branch& b, const StreamerLookup& streamers) {
  ColumnPlan plan;
  plan.branch = &b;
  plan.name = b.path;
  if (!b.branches.empty()) {
    if (IsGroupBranch(b, streamers)) {
      return Status::InvalidArgument("branch '" + b.path + "' has " +
                                     std::to_string(b.branches.size()) +
                                     " sub-branches and no data of its own; read it as a group "
                                     "of its sub-branches");
    }
    // The top branch of a split TClonesArray: one int32 per entry, the number of objects
    // (TBranchElement::FillLeavesClones writes its GetEntriesFast(); uproot reads ">i4").
    Prim count;
    count.kind = PrimKind::kI32;
    plan.mode = ColumnPlan::Mode::kFixed;
    plan.node = PrimNode(count);
    plan.entry_size = 4;
    plan.root_type = "int32_t";
    return Finish(std::move(plan));
  }

  // Numeric leaves (TBranch, or TBranchElement with a numeric TLeafElement).
  if (b.leaves.size() == 1) {
    const Leaf& leaf = *b.leaves[0];
    std::optional<Prim> prim;
    std::string cpp;
    if (leaf.class_name == "TLeafElement") {
      int t = leaf.element_type;
      if (root_format::IsBasicArrayType(t)) t -= root_format::kOffsetL;
      if (root_format::IsBasicPointerType(t)) {
        // A variable array member "x[N]" of a split object: per entry a 1-byte flag, then
        // the values; the count comes from the entry's size (uproot: header_bytes=1).
        const StreamerElement* e = BranchElement(b, streamers);
        auto p = PrimFromStreamerType(t - root_format::kOffsetP, e ? e->title : std::string());
        if (!p.ok()) return Unsupported(b, e ? e->type_name : "", p.status());
        plan.mode = ColumnPlan::Mode::kJagged;
        plan.node = PrimNode(*p);
        plan.header_bytes = static_cast<int32_t>(root_format::kBasicPointerFlagBytes);
        plan.count_branch = leaf.leaf_count ? leaf.leaf_count->branch : nullptr;
        plan.root_type = (e ? e->type_name : std::string("?")) + "[" +
                         (e ? e->count_name : std::string("?")) + "]";
        return Finish(std::move(plan));
      }
      if (root_format::IsBasicType(t) && t != root_format::kCharStar && t != root_format::kBits) {
        const StreamerElement* e = BranchElement(b, streamers);
        auto p = PrimFromStreamerType(t, e ? e->title : std::string());
        if (p.ok()) prim = *p;
        cpp = e ? e->type_name : ("type " + std::to_string(t));
      }
    } else if (leaf.class_name != "TLeafC" && leaf.class_name != "TLeafObject") {
      auto p = PrimFromLeaf(leaf);
      if (!p.ok()) return Unsupported(b, leaf.class_name, p.status());
      prim = *p;
      cpp = LeafCppType(leaf);
    }
    if (prim) {
      std::string counter;
      std::vector<int32_t> dims;
      ParseDims(leaf.title, &counter, &dims);
      if (!leaf.leaf_count) {
        int64_t product = 1;
        for (int32_t d : dims) product *= d;
        if (product != leaf.len) dims = leaf.len > 1 ? std::vector<int32_t>{leaf.len} : std::vector<int32_t>{};
        plan.mode = ColumnPlan::Mode::kFixed;
        plan.node = WrapFixed(PrimNode(*prim), dims);
        plan.entry_size = FixedWireSize(plan.node);
        plan.root_type = cpp;
        for (int32_t d : dims) plan.root_type += "[" + std::to_string(d) + "]";
      } else {
        plan.mode = ColumnPlan::Mode::kJagged;
        // Inner fixed dims after the counter, e.g. x[n][3].
        int64_t product = 1;
        for (int32_t d : dims) product *= d;
        if (leaf.len > 1 && product != leaf.len) dims = {leaf.len};
        if (leaf.len <= 1) dims.clear();
        plan.node = WrapFixed(PrimNode(*prim), dims);
        plan.count_branch = leaf.leaf_count->branch;
        int t = leaf.element_type;
        plan.header_bytes = (leaf.class_name == "TLeafElement" && root_format::IsBasicPointerType(t))
                                ? static_cast<int32_t>(root_format::kBasicPointerFlagBytes)
                                : 0;
        plan.root_type = cpp + "[" + leaf.leaf_count->name + "]";
        for (int32_t d : dims) plan.root_type += "[" + std::to_string(d) + "]";
      }
      return Finish(std::move(plan));
    }
  } else if (b.leaves.size() > 1) {
    // Leaf list "x/D:y/I:z/B" → struct of fixed-size fields.
    Node obj;
    obj.kind = Node::Kind::kObject;
    plan.root_type = b.title;
    for (const Leaf* leaf : b.leaves) {
      if (leaf->leaf_count) {
        return Unsupported(b, b.title, Status::Unsupported("leaf list with a variable-length leaf"));
      }
      auto p = PrimFromLeaf(*leaf);
      if (!p.ok()) return Unsupported(b, b.title, p.status());
      std::string counter;
      std::vector<int32_t> dims;
      ParseDims(leaf->title, &counter, &dims);
      int64_t product = 1;
      for (int32_t d : dims) product *= d;
      if (product != leaf->len) dims = leaf->len > 1 ? std::vector<int32_t>{leaf->len} : std::vector<int32_t>{};
      Node m = WrapFixed(PrimNode(*p), dims);
      m.name = leaf->name;
      obj.children.push_back(std::move(m));
    }
    int64_t size = 0;
    for (const Node& m : obj.children) {
      int32_t ms = FixedWireSize(m);
      if (ms < 0) return Unsupported(b, b.title, Status::Unsupported("leaf list member too large"));
      size += ms;
    }
    if (size > INT32_MAX) return Unsupported(b, b.title, Status::Unsupported("leaf list too large"));
    plan.mode = ColumnPlan::Mode::kFixed;
    plan.node = std::move(obj);
    plan.entry_size = static_cast<int32_t>(size);
    return Finish(std::move(plan));
  }

  // Strings.
  if (b.streamer_type == root_format::kTString && b.is_element()) {
    plan.mode = ColumnPlan::Mode::kPerEntry;
    plan.node = StringNode(false);
    plan.root_type = "TString";
    return Finish(std::move(plan));
  }
  if (b.leaves.size() == 1 && b.leaves[0]->class_name == "TLeafC") {
    plan.mode = ColumnPlan::Mode::kPerEntry;
    plan.node = StringNode(false);
    plan.root_type = "char*";
    return Finish(std::move(plan));
  }

  // Objects, STL containers, and members of split objects that are not plain numbers, laid
  // out as TStreamerInfo::WriteBufferAux and the classes' Streamers write them.
  TypeBuilder tb(streamers);
  std::string type_name;
  Result<Node> node = Status::Unsupported("no type information");
  const StreamerElement* element = BranchElement(b, streamers);
  if ((b.parent == nullptr || b.class_name == "TBranchObject") && !b.element_class_name.empty() &&
      (b.id < 0 || !element)) {
    type_name = b.element_class_name;
    node = tb.FromTypeName(type_name, /*header=*/true, /*inner_header=*/false, 0);
    if (node.ok() && node->kind == Node::Kind::kString) node->header = false;  // top-level string
    if (node.ok() && node->kind == Node::Kind::kObject && b.is_element() && b.type == 0) {
      // fType 0 with fID -1: the class's members one after another with no header for the
      // class itself (TBranchElement::FillLeaves → WriteBufferAux from element -1). A class
      // with a custom Streamer (fType -1: TLorentzVector, TVector3, ...) writes one
      // (WriteClassBuffer).
      node->header = false;
    }
    if (node.ok() && b.class_name == "TBranchObject") {
      // TLeafObject::FillBasket writes the object's class name before it (uproot AsDynamic).
      Node dynamic = KindNode(Node::Kind::kDynamic);
      dynamic.children.push_back(std::move(*node));
      node = std::move(dynamic);
    }
  } else if (element) {
    type_name = element->type_name;
    const int t = element->type;
    if (root_format::IsBasicPointerType(t)) {
      return Unsupported(b, type_name, Status::Unsupported("variable array"));
    }
    node = tb.FromElement(*element, Node{}, 0);
    if (node.ok() && node->kind == Node::Kind::kBitset) {
      // A std::bitset member of a split object has no bytes in its baskets, not even the
      // collection header (uproot-mc10events.root, every entry of every such branch; a
      // top-level bitset branch has them): there are no values to read.
      return Unsupported(b, type_name,
                         Status::Unsupported("ROOT wrote no bytes for a std::bitset member of "
                                             "a split object"));
    }
    if (node.ok() && t == root_format::kTString) node->header = false;
    if (node.ok() && node->kind == Node::Kind::kBase) {
      // A base class held whole in one branch holds what the base's Streamer writes, which
      // for a class with a custom Streamer the streamer info does not describe (KM3NeT's
      // JDAQPreamble: 8 bytes an entry where its streamer info says header, base and
      // TObject), and nothing in the file tells which it is.
      return Unsupported(b, element->name,
                         Status::Unsupported("a base class held whole in its own branch may be "
                                             "written by a custom Streamer the file does not "
                                             "describe; read the object's other branches"));
    }
    if (node.ok() && (b.type == 31 || b.type == 41)) {
      // One member of every object of the entry's TClonesArray / STL collection
      // (WriteBufferAux with narr = the number of objects): STL containers and strings share
      // one header for all, objects carry one each, numbers none. The number of objects is
      // not repeated here; the entry ends with the last one.
      Node item = std::move(*node);
      Node repeat = KindNode(Node::Kind::kRepeat);
      if (t == root_format::kSTL || t == root_format::kSTLstring || t == root_format::kStreamer) {
        repeat.header = true;
        item.header = false;
      }
      repeat.children.push_back(std::move(item));
      node = std::move(repeat);
      type_name += "[]";
    }
  } else {
    type_name = b.element_class_name.empty() ? b.class_name : b.element_class_name;
    if (b.is_element() && b.id >= 0) {
      return Unsupported(b, type_name,
                         Status::Unsupported("the file has no streamer info for class '" +
                                             b.element_class_name + "'"));
    }
  }
  if (!node.ok()) return Unsupported(b, type_name, node.status());
  plan.root_type = type_name;
  plan.node = std::move(*node);
  // Vectors of fixed-size values at the top are jagged with a 10-byte header (bytecount,
  // version, size: kStlVectorHeaderBytes): the fast path.
  if (plan.node.kind == Node::Kind::kVector && plan.node.header &&
      FixedWireSize(plan.node.children[0]) > 0) {
    plan.mode = ColumnPlan::Mode::kJagged;
    plan.header_bytes = static_cast<int32_t>(root_format::kStlVectorHeaderBytes);
    Node item = std::move(plan.node.children[0]);
    plan.node = std::move(item);
    return Finish(std::move(plan));
  }
  plan.mode = ColumnPlan::Mode::kPerEntry;
  return Finish(std::move(plan));
}

}  // namespace arrowroot::to_arrow
