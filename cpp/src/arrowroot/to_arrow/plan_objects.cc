// Objects, STL containers and split members: streamer infos and C++ type names → the Node
// tree that decode_objects.cc interprets, laid out as TStreamerInfo::WriteBufferAux and the
// classes' own Streamers write them (docs/format/README.md, "Objects in branches").
#include <algorithm>
#include <functional>
#include <optional>

#include "arrowroot/to_arrow/identify.h"
#include "arrowroot/to_arrow/kinds_internal.h"

namespace arrowroot::to_arrow {

using root_format::Branch;
using root_format::StreamerElement;
using root_format::StreamerInfo;

namespace {

constexpr int kMaxDepth = 32;

class TypeBuilder {
 public:
  explicit TypeBuilder(const StreamerLookup& s) : streamers_(s) {}

  /// A C++ type name as written in fClassName / fTypeName ("vector<vector<float> >").
  /// `header`: whether a container/string at this level carries a byte-count header;
  /// `inner_header` the same for the containers and strings inside it. Objects always carry
  /// theirs (uproot identify.py parse_typename: outer_header, inner_header).
  Result<Node> FromTypeName(std::string name, bool header, bool inner_header, int depth) {
    if (depth > kMaxDepth) return Status::Unsupported("type nesting deeper than 32");
    name = NormalizeTypeName(name);
    if (name.rfind("const ", 0) == 0) name = name.substr(6);
    if (auto prim = PrimFromTypeName(name); prim.has_value()) return PrimNode(*prim);
    if (name == "string" || name == "std::string") return StringNode(header);
    if (name == "TString") return StringNode(false);
    std::string tmpl, arg;
    if (SplitTemplate(name, &tmpl, &arg)) {
      const TemplateKind kind = ClassifyTemplate(tmpl);
      if (kind == TemplateKind::kSequence) {
        // Drop an allocator argument if present.
        auto args = SplitTemplateArgs(arg);
        ASSIGN_OR_RETURN(Node item, FromTypeName(args[0], inner_header, inner_header, depth + 1));
        Node v = KindNode(Node::Kind::kVector, header);
        v.children.push_back(std::move(item));
        return v;
      }
      if (kind == TemplateKind::kMap) {
        auto args = SplitTemplateArgs(arg);
        if (args.size() < 2) return Status::Unsupported("C++ type '" + name + "'");
        // Keys and values take the map's own header flag (uproot identify.py _parse_node).
        ASSIGN_OR_RETURN(Node key, FromTypeName(args[0], header, inner_header, depth + 1));
        ASSIGN_OR_RETURN(Node value, FromTypeName(args[1], header, inner_header, depth + 1));
        Node m = KindNode(Node::Kind::kMap, header);
        m.children.push_back(std::move(key));
        m.children.push_back(std::move(value));
        return m;
      }
      if (kind == TemplateKind::kBitset) {
        // [header] u32 number of bits, then one byte per bit, bit 0 first (TStreamerInfo
        // streams a bitset as an STL collection of bool; uproot containers.py AsBitSet).
        return KindNode(Node::Kind::kBitset, header);
      }
      if (kind == TemplateKind::kPair) {
        // A class like any other when the file has its streamer info (it usually does);
        // otherwise `first` then `second`, each as it would be streamed as a member.
        if (Info(name)) return FromClass(name, depth + 1);
        auto args = SplitTemplateArgs(arg);
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

  const StreamerLookup& streamers_;
};
}  // namespace

namespace {

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

}  // namespace

/// Compute output types and struct field indices.
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
Status PlanObject(ColumnPlan& plan, const Branch& b, const StreamerLookup& streamers) {
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
      return UnsupportedBranch(b, type_name, Status::Unsupported("variable array"));
    }
    node = tb.FromElement(*element, Node{}, 0);
    if (node.ok() && node->kind == Node::Kind::kBitset) {
      // A std::bitset member of a split object has no bytes in its baskets, not even the
      // collection header (uproot-mc10events.root, every entry of every such branch; a
      // top-level bitset branch has them): there are no values to read.
      return UnsupportedBranch(b, type_name,
                                     Status::Unsupported("ROOT wrote no bytes for a std::bitset member "
                                                   "of a split object"));
    }
    if (node.ok() && t == root_format::kTString) node->header = false;
    if (node.ok() && node->kind == Node::Kind::kBase) {
      // A base class held whole in one branch holds what the base's Streamer writes, which
      // for a class with a custom Streamer the streamer info does not describe (KM3NeT's
      // JDAQPreamble: 8 bytes an entry where its streamer info says header, base and
      // TObject), and nothing in the file tells which it is.
      return UnsupportedBranch(b, element->name,
                                     Status::Unsupported("a base class held whole in its own branch "
                                                   "may be written by a custom Streamer the "
                                                   "file does not describe; read the object's "
                                                   "other branches"));
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
      return UnsupportedBranch(b, type_name,
                                     Status::Unsupported("the file has no streamer info for class '" +
                                                   b.element_class_name + "'"));
    }
  }
  if (!node.ok()) return UnsupportedBranch(b, type_name, node.status());
  plan.root_type = type_name;
  plan.node = std::move(*node);
  // Vectors of fixed-size values at the top are jagged with a 10-byte header: the fast path.
  if (IsJaggedVector(plan.node)) {
    PlanJaggedVector(plan);
    return Status::OK();
  }
  plan.mode = ColumnPlan::Mode::kPerEntry;
  return Status::OK();
}

}  // namespace arrowroot::to_arrow
