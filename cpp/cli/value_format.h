// Render one value of an Arrow array as JSON text (the CLI's jsonl, csv and table output).
#pragma once

#include <string>

#include "arrowroot/to_arrow/arrow_array.h"

namespace arrowroot::cli {

/// Append row `i` of `a` as JSON: numbers (floats as the shortest text that round-trips the
/// value as float64; NaN/Infinity as Python's json writes them), strings, arrays, objects.
void AppendJson(const to_arrow::ArrayData& a, int64_t i, std::string* out);
/// Append a JSON string literal.
void AppendJsonString(const std::string& s, std::string* out);

}  // namespace arrowroot::cli
