// Column resolution: a tree's branches as columns (name, Arrow type or why not, decode plan,
// group members), built once when a tree is opened, and names → column indices for a scan.
// Immutable after BuildColumnCatalog, so readers on any thread share it without locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "arrowroot/common/status.h"
#include "arrowroot/root_format/root_file.h"
#include "arrowroot/scan/column_info.h"
#include "arrowroot/to_arrow/column_plan.h"

namespace arrowroot::scan {

/// A tree's columns, parallel vectors indexed as Tree::all_branches.
struct ColumnCatalog {
  std::vector<ColumnInfo> columns;
  std::vector<to_arrow::ColumnPlan> plans;    ///< valid where the column's status is ok
  std::vector<std::vector<size_t>> members;   ///< a group's sub-branches
  std::unordered_map<std::string, size_t> by_name;  ///< column name -> index
  /// The tree's entries: fEntries, unless no branch holds that many, then the most any holds.
  int64_t num_entries = 0;
};

/// The decode plan of one branch of `file` (its streamers looked up in the file).
Result<to_arrow::ColumnPlan> PlanBranch(const root_format::RootFile& file,
                                        const root_format::Branch& branch);

/// Every branch of `tree` as a column, with its type or the reason it cannot be read.
ColumnCatalog BuildColumnCatalog(const root_format::RootFile& file, const root_format::Tree& tree);

/// Indices of the named columns (all readable ones but groups if `names` is empty); a unique
/// short name works too. NotFound for an unknown name, InvalidArgument for an ambiguous one, a
/// column's own status if it cannot be read; errors carry `where`.
Result<std::vector<size_t>> ResolveColumns(const ColumnCatalog& catalog,
                                           const root_format::Tree& tree,
                                           const std::vector<std::string>& names,
                                           const std::string& where);

/// The plans of the branches column `i` reads (a group's: its members', recursively).
void CollectPlans(const ColumnCatalog& catalog, size_t i,
                  std::vector<const to_arrow::ColumnPlan*>* out);

}  // namespace arrowroot::scan
