#include "arrowroot/scan/column_resolution.h"

#include <algorithm>

#include "arrowroot/root_format/basket_list.h"
#include "arrowroot/scan/field_paths.h"

namespace arrowroot::scan {

using root_format::Branch;
using to_arrow::ColumnPlan;

namespace {

to_arrow::StreamerLookup LookupIn(const root_format::RootFile& file) {
  const root_format::RootFile* f = &file;
  return [f](const std::string& cls) { return f->FindStreamerInfo(cls); };
}

/// Rows: fEntries, as ROOT's TTree::GetEntries() and uproot count them; but a fEntries
/// beyond what every branch holds contradicts the baskets (a damaged record): then the most
/// any branch holds, rather than rows of nulls that no branch has values for.
int64_t TreeEntries(const root_format::RootFile& file, const root_format::Tree& tree) {
  int64_t num_entries = tree.entries;
  int64_t most_held = 0;
  const uint64_t file_size = file.source()->size();
  for (const Branch* b : tree.all_branches) {
    if (!b->branches.empty()) continue;
    auto baskets = root_format::ListBaskets(*b, file_size);
    if (baskets.ok()) most_held = std::max(most_held, root_format::EntriesHeld(*b, *baskets));
  }
  if (most_held > 0 && most_held < num_entries) num_entries = most_held;
  return num_entries;
}

/// Column `k`, a group: a struct of the sub-branches walked under it (planned already).
void AddGroup(ColumnCatalog& c, size_t k, const Branch& b,
              const std::unordered_map<const Branch*, size_t>& index,
              const to_arrow::StreamerLookup& lookup) {
  ColumnInfo& info = c.columns[k];
  info.is_group = true;
  info.root_type = to_arrow::DeclaredTypeName(b, lookup);
  std::vector<to_arrow::Field> fields;
  for (const Branch* sub : b.branches) {
    auto it = index.find(sub);
    // Only the sub-branches walked under this parent (IndexBranches walks a branch once).
    if (it == index.end() || it->second <= k || sub->parent != &b) continue;
    const ColumnInfo& member = c.columns[it->second];
    c.members[k].push_back(it->second);
    if (!member.status.ok() && info.status.ok()) {
      info.status = Status::Unsupported("sub-branch '" + member.name + "' of group '" + b.path +
                                        "' cannot be read: " + member.status.message());
    }
    fields.push_back({sub->name, member.type, member.nullable});
  }
  if (info.root_type.empty()) info.root_type = "(group of " + std::to_string(fields.size()) + ")";
  if (info.status.ok()) info.type = to_arrow::MakeStruct(std::move(fields));
}

/// Column `k`, a branch with data of its own: its plan, or why it cannot be read.
void AddBranch(ColumnCatalog& c, size_t k, const Branch& b, const to_arrow::StreamerLookup& lookup) {
  ColumnInfo& info = c.columns[k];
  auto plan = to_arrow::PlanColumn(b, lookup);
  if (plan.ok()) {
    info.root_type = plan->root_type;
    info.type = plan->type;
    // Nulls: a pointer, or entries of the tree the branch does not hold (ReadColumn).
    info.nullable = (plan->mode == ColumnPlan::Mode::kPerEntry && plan->node.nullable()) ||
                    b.entries < c.num_entries;
    c.plans[k] = std::move(*plan);
    return;
  }
  info.status = plan.status();
  info.root_type = to_arrow::DeclaredTypeName(b, lookup);
  if (info.root_type.empty()) {
    info.root_type = b.element_class_name.empty()
                         ? (b.leaves.empty() ? b.class_name : b.leaves[0]->class_name)
                         : b.element_class_name;
  }
}

}  // namespace

Result<ColumnPlan> PlanBranch(const root_format::RootFile& file, const Branch& branch) {
  return to_arrow::PlanColumn(branch, LookupIn(file));
}

ColumnCatalog BuildColumnCatalog(const root_format::RootFile& file, const root_format::Tree& tree) {
  ColumnCatalog c;
  const std::vector<const Branch*>& all = tree.all_branches;
  std::unordered_map<const Branch*, size_t> index;
  for (size_t i = 0; i < all.size(); ++i) index.emplace(all[i], i);
  c.num_entries = TreeEntries(file, tree);
  c.columns.resize(all.size());
  c.plans.resize(all.size());
  c.members.resize(all.size());
  const to_arrow::StreamerLookup lookup = LookupIn(file);
  // Depth first puts sub-branches after their parent: plan from the end, so that a group
  // knows its members' types.
  for (size_t k = all.size(); k-- > 0;) {
    const Branch* b = all[k];
    c.columns[k].name = b->path;
    c.by_name.emplace(b->path, k);
    if (to_arrow::IsGroupBranch(*b, lookup)) {
      AddGroup(c, k, *b, index, lookup);
    } else {
      AddBranch(c, k, *b, lookup);
    }
  }
  return c;
}

void CollectPlans(const ColumnCatalog& c, size_t i, std::vector<const ColumnPlan*>* out) {
  if (c.columns[i].is_group) {
    for (size_t m : c.members[i]) CollectPlans(c, m, out);
    return;
  }
  if (c.plans[i].branch) out->push_back(&c.plans[i]);
}

Result<std::vector<size_t>> ResolveColumns(const ColumnCatalog& c, const root_format::Tree& tree,
                                           const std::vector<std::string>& names,
                                           const std::string& where) {
  std::vector<size_t> selected;
  if (names.empty()) {
    // Every readable branch; a group's sub-branches are read, not the group itself (as
    // uproot's arrays() does when all of a group's members are selected).
    for (size_t i = 0; i < c.columns.size(); ++i) {
      if (c.columns[i].status.ok() && !c.columns[i].is_group) selected.push_back(i);
    }
    return selected;
  }
  for (const std::string& name : names) {
    size_t found = SIZE_MAX;
    if (auto it = c.by_name.find(name); it != c.by_name.end()) {
      found = it->second;
    } else {
      // A unique short name ("Muon.pt") also works; an ambiguous one is refused.
      auto b = tree.LookupBranch(name);
      if (!b.ok() && b.status().code() == StatusCode::kInvalidArgument) {
        return std::move(b).status().AddContext(where);
      }
      if (b.ok()) {
        if (auto it2 = c.by_name.find((*b)->path); it2 != c.by_name.end()) found = it2->second;
      }
    }
    if (found == SIZE_MAX) {
      std::string some;
      for (size_t i = 0; i < c.columns.size() && i < 8; ++i) {
        some += (i ? ", " : "") + c.columns[i].name;
      }
      return Status::NotFound("no branch '" + name + "'; the tree has " +
                              std::to_string(c.columns.size()) + " branches (" + some +
                              (c.columns.size() > 8 ? ", ..." : "") +
                              "); `arrowroot schema` lists them")
          .AddContext(where);
    }
    if (!c.columns[found].status.ok()) return Status(c.columns[found].status).AddContext(where);
    selected.push_back(found);
  }
  return selected;
}

namespace {

Result<ColumnSelection> Select(const ColumnCatalog& c, size_t i, const to_arrow::FieldSelection& sel,
                               const std::string& column, const std::string& at) {
  const ColumnInfo& info = c.columns[i];
  ColumnSelection out = WholeColumn(c, i);
  if (sel.whole) return out;
  out.whole = false;
  if (!info.is_group) {
    // One branch holds the whole value: it is read whole and projected (nothing saved).
    ASSIGN_OR_RETURN(out.type, to_arrow::ProjectType(info.type, sel, column, at));
    out.project = true;
    return out;
  }
  // A group's fields are its members, in AddGroup's order: only the named ones are read.
  std::vector<std::string> names;
  for (const to_arrow::Field& f : info.type->children) names.push_back(f.name);
  RETURN_IF_ERROR(to_arrow::CheckFieldsExist(sel, names, column, at));
  std::vector<to_arrow::Field> fields;
  for (size_t k = 0; k < c.members[i].size() && k < names.size(); ++k) {
    const to_arrow::FieldSelection* s = sel.Find(names[k]);
    if (!s) continue;
    ASSIGN_OR_RETURN(ColumnSelection m, Select(c, c.members[i][k], *s, column, at + "/" + names[k]));
    fields.push_back({names[k], m.type, info.type->children[k].nullable});
    out.members.push_back(std::move(m));
  }
  out.type = to_arrow::MakeStruct(std::move(fields));
  return out;
}

}  // namespace

ColumnSelection WholeColumn(const ColumnCatalog& c, size_t i) {
  ColumnSelection out;
  out.index = i;
  out.type = c.columns[i].type;
  return out;
}

Result<ColumnSelection> SelectColumn(const ColumnCatalog& c, size_t i,
                                     const to_arrow::FieldSelection& sel,
                                     const std::string& column) {
  return Select(c, i, sel, column, column);
}

Result<std::vector<ColumnSelection>> ResolveSelections(
    const ColumnCatalog& c, const root_format::Tree& tree, const std::vector<std::string>& names,
    const std::vector<std::vector<std::string>>& fields, const std::string& where) {
  ASSIGN_OR_RETURN(std::vector<size_t> indices, ResolveColumns(c, tree, names, where));
  ASSIGN_OR_RETURN(std::vector<to_arrow::FieldSelection> sels,
                   GroupFieldPaths(names, fields, where));
  std::vector<ColumnSelection> out;
  out.reserve(indices.size());
  for (size_t k = 0; k < indices.size(); ++k) {
    if (k >= sels.size() || sels[k].whole) {
      out.push_back(WholeColumn(c, indices[k]));
      continue;
    }
    auto sel = SelectColumn(c, indices[k], sels[k], names[k]);
    if (!sel.ok()) return std::move(sel).status().AddContext(where);
    out.push_back(std::move(*sel));
  }
  return out;
}

void CollectPlans(const ColumnCatalog& c, const ColumnSelection& sel,
                  std::vector<const ColumnPlan*>* out) {
  if (sel.whole || sel.project) {
    CollectPlans(c, sel.index, out);
    return;
  }
  for (const ColumnSelection& m : sel.members) CollectPlans(c, m, out);
}

}  // namespace arrowroot::scan
