#include "arrowroot/scan/column_resolution.h"

#include <algorithm>

#include "arrowroot/root_format/basket_list.h"

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

}  // namespace arrowroot::scan
