// Basket → Arrow: append a basket's entries to an ArrayBuilder following a ColumnPlan.
// No I/O; the caller supplies the uncompressed basket.
#pragma once

#include <span>

#include "arrowroot/common/status.h"
#include "arrowroot/root_format/basket.h"
#include "arrowroot/to_arrow/arrow_array.h"
#include "arrowroot/to_arrow/column_plan.h"

namespace arrowroot::to_arrow {

/// Append entries [first, last) of `basket` (indices relative to the basket's first entry).
/// `counts` gives, for a jagged column whose basket has no entry-offset table, the number of
/// items of every entry of the basket (from the counter branch); otherwise it is empty.
/// Errors are Corruption naming the entry and byte offset within the basket.
Status DecodeBasket(const ColumnPlan& plan, const root_format::Basket& basket, int64_t first,
                    int64_t last, std::span<const int64_t> counts, ArrayBuilder& out);

/// Does this plan need counts from the counter branch for this basket?
bool NeedsCounts(const ColumnPlan& plan, const root_format::Basket& basket);

/// Read the integer values of a counter column decoded into `data` (any integer type).
void AppendIntegers(const ArrayData& data, std::vector<int64_t>* out);

/// Convert `n` big-endian wire values to native output values appended to `out`
/// (the hot loop: byte swap, bool, Float16/Double32 unpacking).
void AppendPrims(const Prim& prim, const std::byte* src, size_t n, ArrayBuilder& out);

}  // namespace arrowroot::to_arrow
