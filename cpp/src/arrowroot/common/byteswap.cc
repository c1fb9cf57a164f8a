#include "arrowroot/common/byteswap.h"

#include <cstring>

// Built with -O3 (see CMakeLists.txt) so GCC vectorises these loops, and cloned for AVX2
// (ARROWROOT_SWAP_CLONES). Unaligned loads and stores through memcpy; no aliasing by contract.

namespace arrowroot {

ARROWROOT_SWAP_CLONES
void SwapCopy16(const std::byte* __restrict src, size_t n, uint8_t* __restrict dst) {
  for (size_t i = 0; i < n; ++i) {
    uint16_t v;
    std::memcpy(&v, src + 2 * i, 2);
    v = __builtin_bswap16(v);
    std::memcpy(dst + 2 * i, &v, 2);
  }
}

ARROWROOT_SWAP_CLONES
void SwapCopy32(const std::byte* __restrict src, size_t n, uint8_t* __restrict dst) {
  for (size_t i = 0; i < n; ++i) {
    uint32_t v;
    std::memcpy(&v, src + 4 * i, 4);
    v = __builtin_bswap32(v);
    std::memcpy(dst + 4 * i, &v, 4);
  }
}

ARROWROOT_SWAP_CLONES
void SwapCopy64(const std::byte* __restrict src, size_t n, uint8_t* __restrict dst) {
  for (size_t i = 0; i < n; ++i) {
    uint64_t v;
    std::memcpy(&v, src + 8 * i, 8);
    v = __builtin_bswap64(v);
    std::memcpy(dst + 8 * i, &v, 8);
  }
}

}  // namespace arrowroot
