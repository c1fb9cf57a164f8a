#include "arrowroot/common/byteswap.h"

#include <cstring>

// Built with -O3 (see CMakeLists.txt) so GCC vectorises these loops, and cloned for AVX2 with
// a runtime choice (ifunc): the baseline x86-64 target has no byte shuffle, AVX2 swaps 32 bytes
// per instruction. Unaligned loads and stores through memcpy; no aliasing by contract. Not
// under the sanitizers: an ifunc resolver runs before their runtime is set up (TSan crashes).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define ARROWROOT_SWAP_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define ARROWROOT_SWAP_CLONES
#endif

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

}  // namespace arrowroot
