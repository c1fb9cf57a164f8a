// Shared by rntuple_plan.cc (planning) and rntuple_fields.cc (assembly): what a column's
// elements are in memory. Not installed.
#pragma once

#include <optional>

#include "arrowroot/root_format/rntuple/model.h"
#include "arrowroot/to_arrow/arrow_array.h"

namespace arrowroot::to_arrow::rntuple::internal {

/// The Arrow type of a column's decoded elements (rntuple_columns.h, NativeWidth); nullopt
/// for Switch.
std::optional<TypeId> NativeType(root_format::rntuple::ColumnType t);
/// (Split)Index32/64.
bool IsIndex(root_format::rntuple::ColumnType t);

}  // namespace arrowroot::to_arrow::rntuple::internal
