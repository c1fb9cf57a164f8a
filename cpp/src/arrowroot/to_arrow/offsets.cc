#include "arrowroot/to_arrow/offsets.h"

#include "arrowroot/common/byteswap.h"  // ARROWROOT_SWAP_CLONES

// Built with -O3 (see CMakeLists.txt) so GCC vectorises the loop, and cloned for AVX2.

namespace arrowroot::to_arrow {

ARROWROOT_SWAP_CLONES
bool ItemOffsetsFromEntryEnds(const int32_t* __restrict ends, size_t n, uint32_t start,
                              unsigned shift, int32_t base, int32_t* __restrict dst) {
  const uint32_t mask = (uint32_t{1} << shift) - 1;
  uint32_t misaligned = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t d = static_cast<uint32_t>(ends[i]) - start;
    misaligned |= d & mask;
    dst[i] = static_cast<int32_t>(static_cast<uint32_t>(base) + (d >> shift));
  }
  return misaligned == 0;
}

}  // namespace arrowroot::to_arrow
