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
#include "arrowroot/to_arrow/field_selection.h"

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

/// A column as a scan reads it (ScanOptions::fields): whole; or a group with some of its
/// members (each selected in turn), whose other sub-branches are never read; or a branch
/// whose struct values (a whole object in one basket) are read, then projected to `type`.
struct ColumnSelection {
  size_t index = 0;
  std::shared_ptr<to_arrow::DataType> type;  ///< the Arrow type the scan produces
  bool whole = true;     ///< every member, as the catalog has it
  bool project = false;  ///< a branch: its arrays go through to_arrow::ProjectArray to `type`
  std::vector<ColumnSelection> members;  ///< a group not whole: the kept members, in order
};

/// Column `i` read whole.
ColumnSelection WholeColumn(const ColumnCatalog& catalog, size_t i);

/// Column `i` with only what `sel` keeps of it; `column` (as the scan named it) in errors:
/// NotFound for a field it lacks, InvalidArgument for a path below a non-struct.
Result<ColumnSelection> SelectColumn(const ColumnCatalog& catalog, size_t i,
                                     const to_arrow::FieldSelection& sel,
                                     const std::string& column);

/// ResolveColumns, then each column cut down by the field paths that start with it
/// (field_paths.h); errors carry `where`.
Result<std::vector<ColumnSelection>> ResolveSelections(
    const ColumnCatalog& catalog, const root_format::Tree& tree,
    const std::vector<std::string>& names, const std::vector<std::vector<std::string>>& fields,
    const std::string& where);

/// The plans of the branches a selected column reads.
void CollectPlans(const ColumnCatalog& catalog, const ColumnSelection& sel,
                  std::vector<const to_arrow::ColumnPlan*>* out);

}  // namespace arrowroot::scan
