// ROOT entry offsets → Arrow list offsets: the innermost loop of a jagged column whose entries
// carry no header (x[n]/F), built with -O3 to vectorise (see CMakeLists.txt).
#pragma once

#include <cstddef>
#include <cstdint>

namespace arrowroot::to_arrow {

/// Arrow list offsets from ROOT entry offsets: dst[i] = base + (ends[i] - start) >> shift for
/// i < n, where the items are (1 << shift) bytes. Returns false if some entry is not a whole
/// number of items (dst is then unspecified). The caller has checked that ends[] are
/// non-decreasing, ≥ start, and that the results fit in int32.
bool ItemOffsetsFromEntryEnds(const int32_t* ends, size_t n, uint32_t start, unsigned shift,
                              int32_t base, int32_t* dst);

}  // namespace arrowroot::to_arrow
