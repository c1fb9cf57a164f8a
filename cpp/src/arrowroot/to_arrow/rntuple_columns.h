// RNTuple column pages → native little-endian element arrays (pure; no I/O, no threads).
//
// One page of one column, already decompressed, becomes `n` elements of the column's in-memory
// type. Encodings (spec 1.0, "Column Description"): plain little-endian; split (byte-transposed:
// all first bytes, then all second bytes, ...); split + zigzag for signed integers; split + delta
// for index columns (first element as is, then differences, within the page); bit-packed
// booleans (LSB first); half floats; Real32Trunc (the top `bits` bits of an IEEE float, packed);
// Real32Quant (a `bits`-bit integer q packed, value = min + q * (max - min) / (2^bits - 1));
// Switch (u64 index then u32 tag, 12 bytes each).
#pragma once

#include <cstddef>
#include <cstdint>

#include "arrowroot/common/bytes.h"
#include "arrowroot/common/status.h"
#include "arrowroot/root_format/rntuple/model.h"

namespace arrowroot::to_arrow::rntuple {

using root_format::rntuple::ColumnType;

/// A Switch column's element in memory.
struct SwitchElement {
  uint64_t index = 0;  ///< element index into the active alternative (relative to the cluster)
  uint32_t tag = 0;    ///< 0 = invalid, k = alternative k-1
  uint32_t padding = 0;
};

/// What a column decodes to in memory:
///   Bit, Byte, Char, Int8, UInt8        → 1 byte (Bit: 0 or 1)
///   (Split)Int16/UInt16                 → 2 bytes, (Split)Int32/UInt32 → 4, (Split)Int64/UInt64 → 8
///   (Split)Real16, Real32Trunc, (Split)Real32 → float (4)
///   (Split)Real64, Real32Quant          → double (8) (Real32Quant: computed in double, as ROOT)
///   (Split)Index32, (Split)Index64      → uint64_t (8)  (Index32 widened)
///   Switch                              → SwitchElement (16)
int NativeWidth(ColumnType type);

/// Bytes an uncompressed page of `n` elements of this column holds on storage
/// (ceil(n * bits / 8)); `bits` is the column's bits on storage.
uint64_t StoredPageBytes(ColumnType type, uint16_t bits, uint64_t n);

/// Check a column's declared bits on storage (and, for Real32Quant, its range) once, before
/// pages are decoded: Corruption/Unsupported with a one-line reason otherwise.
Status CheckColumnSpec(ColumnType type, uint16_t bits, double min_value, double max_value);

/// Decode one decompressed page of `n` elements into `out`, which has room for
/// n * NativeWidth(type) bytes. `page.size()` must equal StoredPageBytes(type, bits, n)
/// (Corruption otherwise). Never reads or writes out of bounds, whatever the bytes say.
Status DecodePage(ColumnType type, uint16_t bits, double min_value, double max_value,
                  ByteView page, uint64_t n, std::byte* out);

}  // namespace arrowroot::to_arrow::rntuple
