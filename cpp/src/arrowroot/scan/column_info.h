// ColumnInfo: one branch as a tree's schema shows it (tree_reader.h lists them).
#pragma once

#include <memory>
#include <string>

#include "arrowroot/common/status.h"
#include "arrowroot/to_arrow/arrow_array.h"

namespace arrowroot::scan {

/// One branch as the schema shows it.
struct ColumnInfo {
  std::string name;       ///< full path, "evt/P3/P3.Px" (a repeated sibling name: "Particle;2")
  std::string root_type;  ///< C++ type as ROOT declares it
  std::shared_ptr<to_arrow::DataType> type;  ///< nullptr when unsupported
  Status status;          ///< Unsupported (why) or OK
  /// A branch without data of its own, read as a struct of its sub-branches (uproot's
  /// AsGrouped). Not among the columns read by default: its sub-branches are.
  bool is_group = false;
  /// May hold nulls (a pointer to an object).
  bool nullable = false;
};

}  // namespace arrowroot::scan
