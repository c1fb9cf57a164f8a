// ScanOptions::fields (nested field paths) grouped by the column each starts with: shared by
// the TTree and RNTuple readers, which prune what they fetch by it.
#pragma once

#include <string>
#include <vector>

#include "arrowroot/common/status.h"
#include "arrowroot/to_arrow/field_selection.h"

namespace arrowroot::scan {

/// One selection per entry of `columns` (parallel to it): what the paths of `fields` that start
/// with that entry keep of it, or whole when no path does. A path's head must be spelled as an
/// entry of `columns` (so with `fields` given, `columns` may not be empty). InvalidArgument,
/// with `where`, for an empty path or a head that is not among the columns.
Result<std::vector<to_arrow::FieldSelection>> GroupFieldPaths(
    const std::vector<std::string>& columns, const std::vector<std::vector<std::string>>& fields,
    const std::string& where);

}  // namespace arrowroot::scan
