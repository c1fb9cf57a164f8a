// ScanOptions::fields (nested field paths) grouped by the column each starts with: shared by
// the TTree and RNTuple readers, which prune what they fetch by it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "arrowroot/common/status.h"
#include "arrowroot/to_arrow/field_selection.h"
#include "arrowroot/to_arrow/rntuple_fields.h"

namespace arrowroot::scan {

/// One selection per entry of `columns` (parallel to it): what the paths of `fields` that start
/// with that entry keep of it, or whole when no path does. A path's head must be spelled as an
/// entry of `columns` (so with `fields` given, `columns` may not be empty). InvalidArgument,
/// with `where`, for an empty path or a head that is not among the columns.
Result<std::vector<to_arrow::FieldSelection>> GroupFieldPaths(
    const std::vector<std::string>& columns, const std::vector<std::vector<std::string>>& fields,
    const std::string& where);

/// The field plans an RNTuple scan reads: the reader's own, or copies pruned by field paths.
struct RNTuplePlans {
  std::vector<const to_arrow::rntuple::FieldNode*> plans;  ///< parallel to the scan's columns
  std::vector<std::unique_ptr<to_arrow::rntuple::FieldNode>> pruned;  ///< owns the copies
};

/// `full` (the plans of the top-level fields `names` resolves to, parallel to it; all of the
/// RNTuple's when `names` is empty) cut down by the paths of `fields` (GroupFieldPaths, then
/// to_arrow::rntuple::PruneField). Their errors, with `where`.
Result<RNTuplePlans> PruneRNTuplePlans(std::vector<const to_arrow::rntuple::FieldNode*> full,
                                       const std::vector<std::string>& names,
                                       const std::vector<std::vector<std::string>>& fields,
                                       const std::string& where);

}  // namespace arrowroot::scan
