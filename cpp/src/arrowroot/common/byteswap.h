// The innermost loops of decoding, built with -O3 to vectorise: big-endian wire values →
// native little-endian values in one pass from the source into the output buffer.
#pragma once

#include <cstddef>
#include <cstdint>

// Clone a loop for AVX2 with a runtime choice (ifunc): the baseline x86-64 target has no byte
// shuffle, AVX2 swaps 32 bytes per instruction. For loops in files built with -O3 (see
// common/CMakeLists.txt). Not under the sanitizers: an ifunc resolver runs before their
// runtime is set up (TSan crashes).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define ARROWROOT_SWAP_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define ARROWROOT_SWAP_CLONES
#endif

namespace arrowroot {

/// Copy `n` values of 2, 4 or 8 bytes from `src` to `dst`, reversing each value's bytes.
/// `src` and `dst` must not overlap; neither needs any alignment.
void SwapCopy16(const std::byte* src, size_t n, uint8_t* dst);
void SwapCopy32(const std::byte* src, size_t n, uint8_t* dst);
void SwapCopy64(const std::byte* src, size_t n, uint8_t* dst);

}  // namespace arrowroot
