// The innermost loops of decoding, built with -O3 to vectorise: big-endian wire values →
// native little-endian Arrow values in one pass from the basket into the output buffer, and
// ROOT entry offsets → Arrow list offsets.
#pragma once

#include <cstddef>
#include <cstdint>

namespace arrowroot {

/// Copy `n` values of 2, 4 or 8 bytes from `src` to `dst`, reversing each value's bytes.
/// `src` and `dst` must not overlap; neither needs any alignment.
void SwapCopy16(const std::byte* src, size_t n, uint8_t* dst);
void SwapCopy32(const std::byte* src, size_t n, uint8_t* dst);
void SwapCopy64(const std::byte* src, size_t n, uint8_t* dst);

/// Arrow list offsets from ROOT entry offsets: dst[i] = base + (ends[i] - start) >> shift for
/// i < n, where the items are (1 << shift) bytes. Returns false if some entry is not a whole
/// number of items (dst is then unspecified). The caller has checked that ends[] are
/// non-decreasing, ≥ start, and that the results fit in int32.
bool ItemOffsetsFromEntryEnds(const int32_t* ends, size_t n, uint32_t start, unsigned shift,
                              int32_t base, int32_t* dst);

}  // namespace arrowroot
