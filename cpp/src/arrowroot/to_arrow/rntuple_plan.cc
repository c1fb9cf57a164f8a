// RNTuple fields → Arrow, the planning half: a field (and its subfields) of the schema
// becomes a FieldNode tree, its Arrow type and the columns that feed it (rntuple_fields.h).
// Field/column mapping facts: ROOT's RNTuple Binary Format Specification 1.0.0.1, "Mapping of
// C++ Types to Fields and Columns" (root-project/root, tree/ntuple/doc/BinaryFormatSpecification.md).
#include <optional>
#include <string>
#include <utility>

#include "arrowroot/to_arrow/rntuple_columns.h"
#include "arrowroot/to_arrow/rntuple_fields.h"
#include "arrowroot/to_arrow/rntuple_fields_internal.h"

namespace arrowroot::to_arrow::rntuple {

namespace internal {

std::optional<TypeId> NativeType(ColumnType t) {
  switch (t) {
    case ColumnType::kBit:
    case ColumnType::kByte:
    case ColumnType::kUInt8: return TypeId::kUInt8;
    case ColumnType::kChar:
    case ColumnType::kInt8: return TypeId::kInt8;
    case ColumnType::kInt16:
    case ColumnType::kSplitInt16: return TypeId::kInt16;
    case ColumnType::kUInt16:
    case ColumnType::kSplitUInt16: return TypeId::kUInt16;
    case ColumnType::kInt32:
    case ColumnType::kSplitInt32: return TypeId::kInt32;
    case ColumnType::kUInt32:
    case ColumnType::kSplitUInt32: return TypeId::kUInt32;
    case ColumnType::kInt64:
    case ColumnType::kSplitInt64: return TypeId::kInt64;
    case ColumnType::kUInt64:
    case ColumnType::kSplitUInt64:
    case ColumnType::kIndex32:
    case ColumnType::kIndex64:
    case ColumnType::kSplitIndex32:
    case ColumnType::kSplitIndex64: return TypeId::kUInt64;
    case ColumnType::kReal16:
    case ColumnType::kSplitReal16:
    case ColumnType::kReal32:
    case ColumnType::kSplitReal32:
    case ColumnType::kReal32Trunc: return TypeId::kFloat32;
    case ColumnType::kReal32Quant:
    case ColumnType::kReal64:
    case ColumnType::kSplitReal64: return TypeId::kFloat64;
    case ColumnType::kSwitch: return std::nullopt;
  }
  return std::nullopt;
}

bool IsIndex(ColumnType t) {
  return t == ColumnType::kIndex32 || t == ColumnType::kIndex64 ||
         t == ColumnType::kSplitIndex32 || t == ColumnType::kSplitIndex64;
}
}  // namespace internal

namespace {

using internal::IsIndex;
using internal::NativeType;

using rf::ColumnType;
using rf::FieldDesc;
using rf::FieldRole;

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

/// The Arrow type of a fundamental C++ type name, as the spec normalises it (std::int32_t...)
/// and as older writers spelled it (int, Long64_t...).
std::optional<TypeId> FundamentalType(const std::string& t) {
  static const std::pair<const char*, TypeId> kNames[] = {
      {"bool", TypeId::kBool},           {"Bool_t", TypeId::kBool},
      {"char", TypeId::kInt8},           {"Char_t", TypeId::kInt8},
      {"signed char", TypeId::kInt8},    {"std::int8_t", TypeId::kInt8},
      {"int8_t", TypeId::kInt8},         {"std::byte", TypeId::kUInt8},
      {"unsigned char", TypeId::kUInt8}, {"std::uint8_t", TypeId::kUInt8},
      {"uint8_t", TypeId::kUInt8},       {"UChar_t", TypeId::kUInt8},
      {"std::int16_t", TypeId::kInt16},  {"short", TypeId::kInt16},
      {"int16_t", TypeId::kInt16},       {"Short_t", TypeId::kInt16},
      {"std::uint16_t", TypeId::kUInt16}, {"unsigned short", TypeId::kUInt16},
      {"uint16_t", TypeId::kUInt16},     {"UShort_t", TypeId::kUInt16},
      {"std::int32_t", TypeId::kInt32},  {"int", TypeId::kInt32},
      {"int32_t", TypeId::kInt32},       {"Int_t", TypeId::kInt32},
      {"std::uint32_t", TypeId::kUInt32}, {"unsigned int", TypeId::kUInt32},
      {"unsigned", TypeId::kUInt32},     {"uint32_t", TypeId::kUInt32},
      {"UInt_t", TypeId::kUInt32},       {"std::int64_t", TypeId::kInt64},
      {"long", TypeId::kInt64},          {"long long", TypeId::kInt64},
      {"int64_t", TypeId::kInt64},       {"Long64_t", TypeId::kInt64},
      {"std::uint64_t", TypeId::kUInt64}, {"unsigned long", TypeId::kUInt64},
      {"unsigned long long", TypeId::kUInt64}, {"uint64_t", TypeId::kUInt64},
      {"ULong64_t", TypeId::kUInt64},    {"std::size_t", TypeId::kUInt64},
      {"float", TypeId::kFloat32},       {"Float_t", TypeId::kFloat32},
      {"double", TypeId::kFloat64},      {"Double_t", TypeId::kFloat64},
      {"Double32_t", TypeId::kFloat64},  {"Float16_t", TypeId::kFloat32},
  };
  for (const auto& [name, id] : kNames) {
    if (t == name) return id;
  }
  return std::nullopt;
}

/// What a column's elements are in memory (rntuple_columns.h, NativeWidth).
bool IsFloat(TypeId t) { return t == TypeId::kFloat32 || t == TypeId::kFloat64; }

class Planner {
 public:
  explicit Planner(const rf::Schema& schema) : s_(schema) {}

  Result<FieldNode> Plan(uint32_t id, uint64_t epe, const std::string& path) {
    const FieldDesc& f = s_.fields[id];
    FieldNode n;
    n.field_id = id;
    n.name = f.name;
    n.elements_per_entry = epe;
    auto fail = [&](const std::string& why) {
      return Status::Unsupported("field '" + path + "' of type " + TypeText(f) + ": " + why);
    };
    RETURN_IF_ERROR(GroupColumns(f, path, &n));
    const auto& kids = f.children;
    const bool has_columns = !n.representations.empty();

    if (f.role == FieldRole::kStreamer) {
      return fail("objects stored with ROOT's streamer (a byte blob per entry) are not decoded");
    }
    if (f.role == FieldRole::kVariant) return PlanVariant(f, std::move(n), path);
    if (f.role_raw > 4) return fail("structural role " + std::to_string(f.role_raw) + " is unknown");
    if (f.flags & rf::kFieldRepetitive) {
      if (f.array_size == 0 || f.array_size > (1u << 30)) {
        return fail("a fixed-size array of " + std::to_string(f.array_size) + " items");
      }
      n.size = static_cast<int32_t>(f.array_size);
      if (kids.empty() && has_columns) {  // std::bitset<N>: one Bit column
        RETURN_IF_ERROR(CheckPrincipal(n, {ColumnType::kBit}, path));
        n.kind = NodeKind::kBitset;
        n.type = MakeFixedSizeList(MakePrimitive(TypeId::kBool), n.size);
        return n;
      }
      if (kids.size() != 1 || has_columns) return fail("a fixed-size array must have one item field");
      n.kind = NodeKind::kFixedList;
      uint64_t child_epe = epe == 0 ? 0 : epe * f.array_size;
      ASSIGN_OR_RETURN(FieldNode item, Plan(kids[0], child_epe, path + "." + s_.fields[kids[0]].name));
      n.type = MakeFixedSizeList(item.type, n.size);
      n.type->children[0].nullable = item.nullable;
      n.children.push_back(std::move(item));
      return n;
    }
    switch (f.role) {
      case FieldRole::kLeaf: return PlanLeaf(f, std::move(n), path);
      case FieldRole::kCollection: return PlanCollection(f, std::move(n), path);
      case FieldRole::kRecord: {
        if (has_columns) return fail("a record with columns of its own");
        // A base class (":_0", ":_1"...): its members become the record's own, as a C++ user
        // and uproot see them. Where two bases (or a base and the record) have a member of one
        // name, both are qualified by their class, "Base::name" (uproot's naming).
        std::vector<std::string> origin;  // per child: the base class it came from, or ""
        for (uint32_t k : kids) {
          ASSIGN_OR_RETURN(FieldNode c, Plan(k, epe, path + "." + s_.fields[k].name));
          if (!c.name.empty() && c.name[0] == ':' && c.kind == NodeKind::kStruct) {
            const std::string& base = s_.fields[k].type_name;
            for (FieldNode& m : c.children) {
              origin.push_back(base);
              n.children.push_back(std::move(m));
            }
            continue;
          }
          origin.push_back("");
          n.children.push_back(std::move(c));
        }
        for (size_t i = 0; i < n.children.size(); ++i) {
          for (size_t j = i + 1; j < n.children.size(); ++j) {
            if (n.children[i].name != n.children[j].name) continue;
            for (size_t x : {i, j}) {
              if (!origin[x].empty() && n.children[x].name.find("::") == std::string::npos) {
                n.children[x].name = origin[x] + "::" + n.children[x].name;
              }
            }
          }
        }
        std::vector<Field> members;
        for (const FieldNode& c : n.children) members.push_back(Field{c.name, c.type, c.nullable});
        n.kind = NodeKind::kStruct;
        n.type = MakeStruct(std::move(members));
        return n;
      }
      default: break;
    }
    return fail("unexpected structure");
  }

 private:
  static std::string TypeText(const FieldDesc& f) {
    std::string t = f.type_name.empty() ? std::string("(untyped)") : f.type_name;
    if (!f.type_alias.empty()) t += " (" + f.type_alias + ")";
    return t;
  }

  /// Group the field's columns by representation index; check every column type is known.
  Status GroupColumns(const FieldDesc& f, const std::string& path, FieldNode* n) {
    for (uint32_t cid : f.column_ids) {
      const rf::ColumnDesc& c = s_.columns[cid];
      if (!rf::IsKnownColumnType(c.type_raw)) {
        return Status::Unsupported("field '" + path + "' of type " + TypeText(f) + ": " +
                                   rf::ColumnTypeName(c.type_raw) +
                                   " is not an RNTuple 1.0 column type (written by a newer ROOT?)");
      }
      Status ok = CheckColumnSpec(c.type, c.bits_on_storage, c.min_value, c.max_value);
      if (!ok.ok()) return std::move(ok).AddContext("field '" + path + "', column " + std::to_string(cid));
      if (c.representation >= n->representations.size()) {
        if (c.representation > 64) {
          return Status::Corruption("field '" + path + "': column " + std::to_string(cid) +
                                    " has representation index " +
                                    std::to_string(c.representation));
        }
        n->representations.resize(c.representation + 1u);
      }
      n->representations[c.representation].push_back(cid);
    }
    for (size_t r = 0; r < n->representations.size(); ++r) {
      if (n->representations[r].size() != n->representations[0].size()) {
        return Status::Corruption("field '" + path + "': its column representations have " +
                                  std::to_string(n->representations[0].size()) + " and " +
                                  std::to_string(n->representations[r].size()) + " columns");
      }
    }
    return Status::OK();
  }

  /// Every representation's columns have one of `allowed` types at position `pos`.
  Status CheckPrincipal(const FieldNode& n, std::initializer_list<ColumnType> allowed,
                        const std::string& path, size_t pos = 0, size_t ncols = 1) {
    const FieldDesc& f = s_.fields[n.field_id];
    for (const auto& rep : n.representations) {
      if (rep.size() != ncols) {
        return Status::Unsupported("field '" + path + "' of type " + TypeText(f) + ": " +
                                   std::to_string(rep.size()) + " columns, expected " +
                                   std::to_string(ncols));
      }
      ColumnType t = s_.columns[rep[pos]].type;
      bool found = false;
      for (ColumnType a : allowed) found = found || a == t;
      if (!found) {
        return Status::Unsupported("field '" + path + "' of type " + TypeText(f) +
                                   ": stored in a " + rf::ColumnTypeName(s_.columns[rep[pos]].type_raw) +
                                   " column, which arrowroot does not read as this type");
      }
    }
    if (n.representations.empty()) {
      return Status::Corruption("field '" + path + "' of type " + TypeText(f) +
                                " has no columns");
    }
    return Status::OK();
  }

  Status CheckIndex(const FieldNode& n, const std::string& path, size_t ncols = 1) {
    return CheckPrincipal(n, {ColumnType::kIndex32, ColumnType::kIndex64, ColumnType::kSplitIndex32,
                              ColumnType::kSplitIndex64},
                          path, 0, ncols);
  }

  Result<FieldNode> PlanLeaf(const FieldDesc& f, FieldNode n, const std::string& path) {
    const std::string& t = f.type_name;
    if (!f.children.empty()) {
      // std::atomic<T> and enums: no columns of their own, one subfield with the value.
      if (f.children.size() != 1 || !n.representations.empty()) {
        return Status::Unsupported("field '" + path + "' of type " + TypeText(f) +
                                   ": a leaf with subfields and columns");
      }
      ASSIGN_OR_RETURN(FieldNode inner, Plan(f.children[0], n.elements_per_entry, path));
      inner.name = n.name;
      inner.field_id = n.field_id == inner.field_id ? inner.field_id : inner.field_id;
      return inner;
    }
    if (t == "std::string" || t == "string" || t == "std::basic_string<char>") {
      RETURN_IF_ERROR(CheckIndex(n, path, 2));
      RETURN_IF_ERROR(CheckPrincipal(n, {ColumnType::kChar, ColumnType::kByte, ColumnType::kInt8,
                                         ColumnType::kUInt8},
                                     path, 1, 2));
      n.kind = NodeKind::kString;
      n.type = MakePrimitive(TypeId::kUtf8);
      return n;
    }
    if (StartsWith(t, "ROOT::RNTupleCardinality<") ||
        StartsWith(t, "ROOT::Experimental::RNTupleCardinality<")) {
      RETURN_IF_ERROR(CheckIndex(n, path));
      n.kind = NodeKind::kCardinality;
      bool u32 = t.find("uint32") != std::string::npos || t.find("unsigned int") != std::string::npos;
      n.type = MakePrimitive(u32 ? TypeId::kUInt32 : TypeId::kUInt64);
      return n;
    }
    std::optional<TypeId> id = FundamentalType(t);
    if (!id && n.representations.size() >= 1 && n.representations[0].size() == 1) {
      // An enum or typedef written without a subfield: read the column as it is stored.
      id = NativeType(s_.columns[n.representations[0][0]].type);
      if (id && s_.columns[n.representations[0][0]].type == ColumnType::kBit) id = TypeId::kBool;
    }
    if (!id) {
      return Status::Unsupported("field '" + path + "' of type " + TypeText(f) +
                                 ": not a type arrowroot reads from RNTuple");
    }
    if (n.representations.empty()) {
      return Status::Corruption("field '" + path + "' of type " + TypeText(f) + " has no columns");
    }
    for (const auto& rep : n.representations) {
      if (rep.size() != 1) {
        return Status::Unsupported("field '" + path + "' of type " + TypeText(f) + ": " +
                                   std::to_string(rep.size()) + " columns, expected 1");
      }
      const rf::ColumnDesc& c = s_.columns[rep[0]];
      std::optional<TypeId> native = NativeType(c.type);
      bool ok = native && !IsIndex(c.type) && (IsFloat(*id) == IsFloat(*native));
      if (!ok) {
        return Status::Unsupported("field '" + path + "' of type " + TypeText(f) +
                                   ": stored in a " + rf::ColumnTypeName(c.type_raw) +
                                   " column, which arrowroot does not read as this type");
      }
    }
    n.kind = NodeKind::kPrimitive;
    n.type = MakePrimitive(*id);
    return n;
  }

  Result<FieldNode> PlanVariant(const FieldDesc& f, FieldNode n, const std::string& path) {
    RETURN_IF_ERROR(CheckPrincipal(n, {ColumnType::kSwitch}, path));
    if (f.children.empty() || f.children.size() > 125) {
      return Status::Corruption("field '" + path + "' of type " + TypeText(f) + ": a variant of " +
                                std::to_string(f.children.size()) + " alternatives");
    }
    std::vector<Field> alternatives;
    for (uint32_t k : f.children) {
      ASSIGN_OR_RETURN(FieldNode c, Plan(k, 0, path + "." + s_.fields[k].name));
      alternatives.push_back(Field{c.name, c.type, c.nullable});
      n.children.push_back(std::move(c));
    }
    alternatives.push_back(Field{"null", MakePrimitive(TypeId::kNull), true});
    n.kind = NodeKind::kVariant;
    n.type = MakeDenseUnion(std::move(alternatives));
    return n;
  }

  Result<FieldNode> PlanCollection(const FieldDesc& f, FieldNode n, const std::string& path) {
    RETURN_IF_ERROR(CheckIndex(n, path));
    const std::string& t = f.type_name;
    const auto& kids = f.children;
    if (kids.empty()) {
      return Status::Corruption("field '" + path + "' of type " + TypeText(f) +
                                ": a collection without an item field");
    }
    if (kids.size() > 1) {
      // An untyped collection of several subfields: a list of records.
      std::vector<Field> members;
      FieldNode rec;
      rec.kind = NodeKind::kStruct;
      rec.field_id = f.id;
      rec.name = "item";
      rec.elements_per_entry = 0;
      for (uint32_t k : kids) {
        ASSIGN_OR_RETURN(FieldNode c, Plan(k, 0, path + "." + s_.fields[k].name));
        members.push_back(Field{c.name, c.type, c.nullable});
        rec.children.push_back(std::move(c));
      }
      rec.type = MakeStruct(std::move(members));
      n.kind = NodeKind::kList;
      n.type = MakeList(rec.type);
      n.children.push_back(std::move(rec));
      return n;
    }
    ASSIGN_OR_RETURN(FieldNode item, Plan(kids[0], 0, path + "." + s_.fields[kids[0]].name));
    if (StartsWith(t, "std::optional<") || StartsWith(t, "std::unique_ptr<")) {
      if (item.kind == NodeKind::kVariant) {
        return Status::Unsupported("field '" + path + "' of type " + TypeText(f) +
                                   ": an optional std::variant (an Arrow union holds no nulls of "
                                   "its own) is not read yet");
      }
      n.kind = NodeKind::kNullable;
      n.type = item.type;
      n.nullable = true;
      n.children.push_back(std::move(item));
      return n;
    }
    bool is_map = StartsWith(t, "std::map<") || StartsWith(t, "std::unordered_map<") ||
                  StartsWith(t, "std::multimap<") || StartsWith(t, "std::unordered_multimap<");
    if (is_map && item.kind == NodeKind::kStruct && item.children.size() == 2) {
      n.kind = NodeKind::kMap;
      n.type = MakeMap(item.children[0].type, item.children[1].type);
      n.type->children[0].type->children[1].nullable = item.children[1].nullable;
      n.children.push_back(std::move(item));
      return n;
    }
    n.kind = NodeKind::kList;
    n.type = MakeList(item.type, item.nullable);
    item.name = "item";
    n.children.push_back(std::move(item));
    return n;
  }

  const rf::Schema& s_;
};

const std::vector<uint32_t>* ActiveRepresentation(const FieldNode& node, const rf::ClusterDesc& cluster) {
  if (node.representations.empty()) return nullptr;
  for (const auto& rep : node.representations) {
    if (rep.empty()) continue;
    uint32_t id = rep[0];
    if (id < cluster.columns.size() && !cluster.columns[id].suppressed) return &rep;
  }
  return &node.representations[0];
}

}  // namespace

bool IsIndexColumn(rf::ColumnType type) { return IsIndex(type); }

uint64_t DecodedBytes(rf::ColumnType type, uint64_t count) {
  return IsIndex(type) ? 4 * (count + 1) : count * static_cast<uint64_t>(NativeWidth(type));
}

Result<FieldNode> PlanField(const rf::Schema& schema, uint32_t field_id) {
  Planner p(schema);
  return p.Plan(field_id, 1, schema.fields[field_id].name);
}

void CollectColumns(const FieldNode& node, const rf::ClusterDesc& cluster,
                    std::vector<ColumnNeed>* out) {
  if (const auto* rep = ActiveRepresentation(node, cluster)) {
    for (size_t k = 0; k < rep->size(); ++k) {
      uint64_t epe = k == 0 ? node.elements_per_entry : 0;  // a string's chars: decided by its index
      if (k == 0 && node.kind == NodeKind::kBitset) epe *= static_cast<uint64_t>(node.size);
      out->push_back(ColumnNeed{(*rep)[k], epe});
    }
  }
  for (const FieldNode& c : node.children) CollectColumns(c, cluster, out);
}

}  // namespace arrowroot::to_arrow::rntuple
