// Values of Arrow arrays, given through the Arrow C Data Interface (the public API's batches,
// arrowroot/c_abi.h), as JSON text (the CLI's jsonl, csv and table output), and their size.
#pragma once

#include <cstdint>
#include <string>

#include "arrowroot/c_abi.h"

namespace arrowroot::cli {

/// Append row `i` of `array` (whose type `schema` describes; its `offset` is honoured) as
/// JSON: numbers (floats as the shortest text that round-trips the value as float64;
/// NaN/Infinity as Python's json writes them), strings, arrays, objects (struct fields by
/// their names; a map as a list of {"key", "value"} objects). A null is `null`, and so is a
/// value of a type arrowroot never produces (dictionaries, dates, ...).
void AppendJson(const ArrowSchema& schema, const ArrowArray& array, int64_t i, std::string* out);
/// Append a JSON string literal.
void AppendJsonString(const std::string& s, std::string* out);

/// The bytes of `array`'s value buffers (offsets, data; children included, validity bitmaps
/// not): what `arrowroot bench` reports as Arrow bytes.
uint64_t ArrowValueBytes(const ArrowSchema& schema, const ArrowArray& array);

}  // namespace arrowroot::cli
