// PruneField (rntuple_fields.h): a planned RNTuple field cut down to the subfields a nested
// field selection keeps, so that a scan loads only their columns' pages.
#include "arrowroot/to_arrow/rntuple_fields.h"

namespace arrowroot::to_arrow::rntuple {

namespace {

std::vector<std::string> ChildNames(const FieldNode& node) {
  std::vector<std::string> out;
  for (const FieldNode& c : node.children) out.push_back(c.name);
  return out;
}

Result<FieldNode> Prune(const FieldNode& node, const FieldSelection& sel, const std::string& column,
                        const std::string& at) {
  if (sel.whole) return node;
  FieldNode out = node;
  switch (node.kind) {
    case NodeKind::kStruct: {
      RETURN_IF_ERROR(CheckFieldsExist(sel, ChildNames(node), column, at));
      out.children.clear();
      std::vector<Field> members;
      for (const FieldNode& c : node.children) {
        const FieldSelection* s = sel.Find(c.name);
        if (!s) continue;
        ASSIGN_OR_RETURN(FieldNode kept, Prune(c, *s, column, at + "/" + c.name));
        members.push_back(Field{kept.name, kept.type, kept.nullable});
        out.children.push_back(std::move(kept));
      }
      out.type = MakeStruct(std::move(members));
      return out;
    }
    case NodeKind::kList:
    case NodeKind::kFixedList:
    case NodeKind::kNullable: {
      // Transparent: the path names the item's (or the value's) fields. The types are made as
      // rntuple_plan.cc's PlanCollection / fixed-size arrays make them.
      ASSIGN_OR_RETURN(FieldNode item, Prune(node.children[0], sel, column, at));
      if (node.kind == NodeKind::kList) {
        out.type = MakeList(item.type, item.nullable);
      } else if (node.kind == NodeKind::kFixedList) {
        out.type = MakeFixedSizeList(item.type, node.size);
        out.type->children[0].nullable = item.nullable;
      } else {
        out.type = item.type;
      }
      out.children[0] = std::move(item);
      return out;
    }
    case NodeKind::kMap: {
      // The entries (a record of two: the pair's _0 and _1) are addressed as Arrow names them.
      const FieldNode& entries = node.children[0];
      if (entries.children.size() != 2) return NotAStruct(column, at, node.type->ToString());
      RETURN_IF_ERROR(CheckFieldsExist(sel, {"key", "value"}, column, at));
      FieldNode e = entries;
      const char* names[2] = {"key", "value"};
      for (size_t k = 0; k < 2; ++k) {
        if (const FieldSelection* s = sel.Find(names[k])) {
          ASSIGN_OR_RETURN(e.children[k], Prune(entries.children[k], *s, column,
                                                at + "/" + names[k]));
        }
      }
      e.type = MakeStruct({Field{e.children[0].name, e.children[0].type, e.children[0].nullable},
                           Field{e.children[1].name, e.children[1].type, e.children[1].nullable}});
      out.type = MakeMap(e.children[0].type, e.children[1].type);
      out.type->children[0].type->children[1].nullable = e.children[1].nullable;
      out.children[0] = std::move(e);
      return out;
    }
    default:
      return NotAStruct(column, at, node.type->ToString());
  }
}

}  // namespace

Result<FieldNode> PruneField(const FieldNode& node, const FieldSelection& sel,
                             const std::string& column) {
  return Prune(node, sel, column, column);
}

}  // namespace arrowroot::to_arrow::rntuple
