#include "arrowroot/to_arrow/field_selection.h"

namespace arrowroot::to_arrow {

const FieldSelection* FieldSelection::Find(const std::string& name) const {
  for (const auto& [n, sel] : fields) {
    if (n == name) return &sel;
  }
  return nullptr;
}

void FieldSelection::Add(const std::vector<std::string>& path, size_t from) {
  if (whole) return;
  if (from >= path.size()) {
    whole = true;
    fields.clear();
    return;
  }
  for (auto& [n, sel] : fields) {
    if (n == path[from]) {
      sel.Add(path, from + 1);
      return;
    }
  }
  fields.push_back(NamedFieldSelection{path[from], FieldSelection{}});
  fields.back().second.Add(path, from + 1);
}

std::string DescribeFieldPath(const std::string& column, const std::string& at) {
  std::string out = "column '" + column + "'";
  if (at != column) out += ", at '" + at + "'";
  return out;
}

Status UnknownField(const std::string& column, const std::string& at, const std::string& name,
                    const std::vector<std::string>& fields) {
  std::string list;
  for (size_t i = 0; i < fields.size(); ++i) list += (i ? ", " : "") + fields[i];
  return Status::NotFound("no field '" + name + "' in " + DescribeFieldPath(column, at) +
                          "; its fields: " + (list.empty() ? "(none)" : list));
}

Status NotAStruct(const std::string& column, const std::string& at, const std::string& type) {
  return Status::InvalidArgument("a field path continues below " + DescribeFieldPath(column, at) +
                                 ", which is " + type + ", not a struct");
}

Status CheckFieldsExist(const FieldSelection& sel, const std::vector<std::string>& available,
                        const std::string& column, const std::string& at) {
  for (const auto& [name, unused] : sel.fields) {
    bool found = false;
    for (const std::string& a : available) found = found || a == name;
    if (!found) return UnknownField(column, at, name, available);
  }
  return Status::OK();
}

namespace {

std::vector<std::string> FieldNames(const DataType& t) {
  std::vector<std::string> out;
  for (const Field& f : t.children) out.push_back(f.name);
  return out;
}

}  // namespace

Result<std::shared_ptr<DataType>> ProjectType(const std::shared_ptr<DataType>& type,
                                              const FieldSelection& sel,
                                              const std::string& column, const std::string& at) {
  if (sel.whole) return type;
  switch (type->id) {
    case TypeId::kList:
    case TypeId::kFixedSizeList: {
      // Transparent: the path names the items' fields.
      ASSIGN_OR_RETURN(auto item, ProjectType(type->children[0].type, sel, column, at));
      auto out = std::make_shared<DataType>(*type);
      out->children[0].type = std::move(item);
      return out;
    }
    case TypeId::kMap: {
      // Through a map: "key" or "value"; an entry keeps both (the other whole).
      const DataType& entries = *type->children[0].type;
      RETURN_IF_ERROR(CheckFieldsExist(sel, FieldNames(entries), column, at));
      auto projected = std::make_shared<DataType>(entries);
      for (Field& f : projected->children) {
        if (const FieldSelection* s = sel.Find(f.name)) {
          ASSIGN_OR_RETURN(f.type, ProjectType(f.type, *s, column, at + "/" + f.name));
        }
      }
      auto out = std::make_shared<DataType>(*type);
      out->children[0].type = std::move(projected);
      return out;
    }
    case TypeId::kStruct: {
      RETURN_IF_ERROR(CheckFieldsExist(sel, FieldNames(*type), column, at));
      std::vector<Field> kept;
      for (const Field& f : type->children) {
        const FieldSelection* s = sel.Find(f.name);
        if (!s) continue;
        ASSIGN_OR_RETURN(auto t, ProjectType(f.type, *s, column, at + "/" + f.name));
        kept.push_back(Field{f.name, std::move(t), f.nullable});
      }
      return MakeStruct(std::move(kept));
    }
    default:
      return NotAStruct(column, at, type->ToString());
  }
}

void ProjectArray(ArrayData& data, const std::shared_ptr<DataType>& type) {
  const std::shared_ptr<DataType> from = data.type;
  data.type = type;
  if (from == type) return;
  if (type->id != TypeId::kStruct) {
    // Lists, fixed-size lists, maps: one child, projected in its turn.
    if (!data.children.empty() && !type->children.empty()) {
      ProjectArray(*data.children[0], type->children[0].type);
    }
    return;
  }
  // The kept fields are in the full type's order: match them walking forward, so that two
  // fields of one name (which ROOT allows) each find their own.
  std::vector<std::shared_ptr<ArrayData>> kept;
  size_t k = 0;
  for (const Field& want : type->children) {
    while (k < from->children.size() && from->children[k].name != want.name) ++k;
    if (k >= from->children.size() || k >= data.children.size()) break;
    ProjectArray(*data.children[k], want.type);
    kept.push_back(std::move(data.children[k]));
    ++k;
  }
  data.children = std::move(kept);
}

}  // namespace arrowroot::to_arrow
