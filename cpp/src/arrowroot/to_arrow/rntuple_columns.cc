// RNTuple column pages → native element arrays. Format facts (cited inline) from ROOT's RNTuple
// Binary Format Specification 1.0 ("Column Description") and, where the spec leaves details to
// the implementation, from ROOT's tree/ntuple/src/RColumnElement.{hxx,cxx} (read, not copied).
//
// Built with -O3 (CMakeLists.txt): the byte transposes use SSE2 (x86-64's baseline, so no
// runtime dispatch) with a scalar fallback elsewhere; the element-wise loops are written for
// GCC's vectoriser.
#include "arrowroot/to_arrow/rntuple_columns.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <string>

#include "arrowroot/common/byteswap.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace arrowroot::to_arrow::rntuple {

namespace {

// ---- un-splitting: byte stream b holds byte b of every element (spec: split encoding) ----

enum class Post { kNone, kZigzag };

#if defined(__SSE2__)
template <Post P>
inline __m128i Zigzag16(__m128i v) {
  if constexpr (P == Post::kZigzag) {
    __m128i neg = _mm_sub_epi16(_mm_setzero_si128(), _mm_and_si128(v, _mm_set1_epi16(1)));
    return _mm_xor_si128(_mm_srli_epi16(v, 1), neg);
  }
  return v;
}
template <Post P>
inline __m128i Zigzag32(__m128i v) {
  if constexpr (P == Post::kZigzag) {
    __m128i neg = _mm_sub_epi32(_mm_setzero_si128(), _mm_and_si128(v, _mm_set1_epi32(1)));
    return _mm_xor_si128(_mm_srli_epi32(v, 1), neg);
  }
  return v;
}
template <Post P>
inline __m128i Zigzag64(__m128i v) {
  if constexpr (P == Post::kZigzag) {
    __m128i neg = _mm_sub_epi64(_mm_setzero_si128(), _mm_and_si128(v, _mm_set1_epi64x(1)));
    return _mm_xor_si128(_mm_srli_epi64(v, 1), neg);
  }
  return v;
}
inline __m128i Load(const std::byte* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}
inline void Store(std::byte* p, __m128i v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v); }

// Elements [0, n & ~15) in blocks of 16, stream b at src + b * stride; returns how many.
template <int N, Post P>
size_t UnsplitBlocks(const std::byte* src, size_t stride, size_t n, std::byte* dst) {
  const size_t s1 = stride, s2 = 2 * stride, s3 = 3 * stride;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    std::byte* o = dst + i * N;
    if constexpr (N == 2) {
      __m128i a = Load(src + i), b = Load(src + s1 + i);
      Store(o, Zigzag16<P>(_mm_unpacklo_epi8(a, b)));
      Store(o + 16, Zigzag16<P>(_mm_unpackhi_epi8(a, b)));
    } else if constexpr (N == 4) {
      __m128i a = Load(src + i), b = Load(src + s1 + i);
      __m128i c = Load(src + s2 + i), d = Load(src + s3 + i);
      __m128i ab0 = _mm_unpacklo_epi8(a, b), ab1 = _mm_unpackhi_epi8(a, b);
      __m128i cd0 = _mm_unpacklo_epi8(c, d), cd1 = _mm_unpackhi_epi8(c, d);
      Store(o, Zigzag32<P>(_mm_unpacklo_epi16(ab0, cd0)));
      Store(o + 16, Zigzag32<P>(_mm_unpackhi_epi16(ab0, cd0)));
      Store(o + 32, Zigzag32<P>(_mm_unpacklo_epi16(ab1, cd1)));
      Store(o + 48, Zigzag32<P>(_mm_unpackhi_epi16(ab1, cd1)));
    } else {
      static_assert(N == 8);
      __m128i s[8];
      for (int b = 0; b < 8; ++b) s[b] = Load(src + b * stride + i);
      __m128i p[8], q[8];  // p: byte pairs (elements 0-7, 8-15); q: byte quads (4 elements each)
      for (int b = 0; b < 4; ++b) {
        p[2 * b] = _mm_unpacklo_epi8(s[2 * b], s[2 * b + 1]);
        p[2 * b + 1] = _mm_unpackhi_epi8(s[2 * b], s[2 * b + 1]);
      }
      for (int h = 0; h < 2; ++h) {  // h = 0: bytes 0-3 (pairs 01, 23); h = 1: bytes 4-7
        for (int half = 0; half < 2; ++half) {
          __m128i x = p[4 * h + half], y = p[4 * h + 2 + half];
          q[4 * h + 2 * half] = _mm_unpacklo_epi16(x, y);
          q[4 * h + 2 * half + 1] = _mm_unpackhi_epi16(x, y);
        }
      }
      for (int k = 0; k < 4; ++k) {  // q[k]: elements 4k..4k+3, bytes 0-3; q[4 + k]: bytes 4-7
        Store(o + 32 * k, Zigzag64<P>(_mm_unpacklo_epi32(q[k], q[4 + k])));
        Store(o + 32 * k + 16, Zigzag64<P>(_mm_unpackhi_epi32(q[k], q[4 + k])));
      }
    }
  }
  return i;
}
#else
template <int N, Post P>
size_t UnsplitBlocks(const std::byte*, size_t, size_t, std::byte*) {
  return 0;
}
#endif

template <typename U>
inline U ZigzagDecode(U v) {
  return static_cast<U>((v >> 1) ^ (U{0} - (v & 1)));  // ROOT: (v >> 1) ^ -(v & 1)
}

// Un-split `n` elements of N bytes from `src` (N streams of n bytes) into `dst`, then undo the
// zigzag encoding if asked. `src` and `dst` must not overlap.
template <int N, Post P>
void Unsplit(const std::byte* __restrict src, size_t n, std::byte* __restrict dst) {
  using U = std::conditional_t<N == 2, uint16_t, std::conditional_t<N == 4, uint32_t, uint64_t>>;
  for (size_t i = UnsplitBlocks<N, P>(src, n, n, dst); i < n; ++i) {
    U v = 0;
    for (int b = 0; b < N; ++b) v |= static_cast<U>(static_cast<U>(src[b * n + i]) << (8 * b));
    if constexpr (P == Post::kZigzag) v = ZigzagDecode(v);
    std::memcpy(dst + i * N, &v, N);
  }
}

// Delta (spec: "the first element as is, then differences", per page) over split indices;
// SplitIndex32 sums modulo 2^32 as ROOT's 32-bit on-disk element does, then widens to 64 bits.
template <int N>
void UnsplitDelta(const std::byte* __restrict src, size_t n, std::byte* __restrict dst) {
  using U = std::conditional_t<N == 4, uint32_t, uint64_t>;
  constexpr size_t kBlock = 256;
  U block[kBlock];
  U acc = 0;
  for (size_t start = 0; start < n; start += kBlock) {
    const size_t m = std::min(kBlock, n - start);
    // Un-split the block's elements (stream b starts at b * n + start).
    auto* raw = reinterpret_cast<std::byte*>(block);
    for (size_t j = UnsplitBlocks<N, Post::kNone>(src + start, n, m, raw); j < m; ++j) {
      U v = 0;
      for (int b = 0; b < N; ++b) {
        v |= static_cast<U>(static_cast<U>(src[b * n + start + j]) << (8 * b));
      }
      block[j] = v;
    }
    for (size_t k = 0; k < m; ++k) {
      acc = static_cast<U>(acc + block[k]);
      const uint64_t wide = acc;
      std::memcpy(dst + (start + k) * 8, &wide, 8);
    }
  }
}

// ---- bit-packed columns ----

// Bit: element i is bit (i % 8) of byte i / 8 (spec, "Bit": packed, least significant bit first).
void UnpackBitColumn(const std::byte* src, size_t n, std::byte* dst) {
  const size_t full = n / 8;
  for (size_t k = 0; k < full; ++k) {
    // Spread the 8 bits of one byte over 8 bytes: replicate, keep bit k in byte k, then map each
    // non-zero byte to 1 (adding 0x7F sets its top bit without carrying into the next byte).
    uint64_t r = static_cast<uint64_t>(src[k]) * 0x0101010101010101ULL;
    r &= 0x8040201008040201ULL;
    r = ((r + 0x7F7F7F7F7F7F7F7FULL) >> 7) & 0x0101010101010101ULL;
    std::memcpy(dst + 8 * k, &r, 8);
  }
  for (size_t i = full * 8; i < n; ++i) {
    dst[i] = static_cast<std::byte>((static_cast<unsigned>(src[i / 8]) >> (i % 8)) & 1u);
  }
}

// Real32Trunc and Real32Quant: `bits`-bit integers packed into a little-endian bit stream,
// element i at bits [i * bits, (i + 1) * bits) (ROOT's BitPacking::PackBits fills LE machine
// words from their least significant bit, which on disk is exactly this stream). Calls
// `emit(i, q)` for each element in order. `src` holds exactly ceil(n * bits / 8) bytes.
template <typename Emit>
inline void ForEachPacked(const std::byte* src, size_t size, size_t n, unsigned bits, Emit emit) {
  const uint64_t mask = (uint64_t{1} << bits) - 1;
  // Element i is read with one 8-byte load at byte (i * bits) / 8 (bits + 7 <= 39 < 64 bits
  // needed): safe while that byte + 8 <= size.
  const size_t fast = size >= 8 ? std::min(n, ((size - 8) * 8) / bits + 1) : 0;
  size_t i = 0;
  for (; i < fast; ++i) {
    const uint64_t bit = static_cast<uint64_t>(i) * bits;
    uint64_t w;
    std::memcpy(&w, src + bit / 8, 8);
    emit(i, static_cast<uint32_t>((w >> (bit % 8)) & mask));
  }
  for (; i < n; ++i) {
    const uint64_t bit = static_cast<uint64_t>(i) * bits;
    const size_t at = bit / 8;
    uint64_t w = 0;
    std::memcpy(&w, src + at, std::min<size_t>(8, size - at));
    emit(i, static_cast<uint32_t>((w >> (bit % 8)) & mask));
  }
}

void UnpackTrunc(const std::byte* src, size_t size, size_t n, unsigned bits, std::byte* dst) {
  // The packed value is the float's top `bits` bits; the dropped low bits read as zero
  // (ROOT's BitPacking::UnpackBits).
  const unsigned shift = 32 - bits;
  ForEachPacked(src, size, n, bits, [&](size_t i, uint32_t q) {
    const uint32_t v = q << shift;
    std::memcpy(dst + 4 * i, &v, 4);
  });
}

void UnpackQuant(const std::byte* src, size_t size, size_t n, unsigned bits, double min,
                 double max, std::byte* dst) {
  // ROOT's Quantize::UnquantizeReals: e = q * ((max - min) / (2^bits - 1)) + min in double,
  // clamped to max; kept in double (a double field holds it as is, a float field narrows it,
  // as ROOT's double and float fields do).
  const double scale = (max - min) / static_cast<double>((uint64_t{1} << bits) - 1);
  ForEachPacked(src, size, n, bits, [&](size_t i, uint32_t q) {
    const double e = std::min(static_cast<double>(q) * scale + min, max);
    std::memcpy(dst + 8 * i, &e, 8);
  });
}

// ---- half floats (IEEE 754 binary16 → binary32; spec: "Real16") ----

inline uint32_t HalfToFloatBits(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t em = h & 0x7FFFu;
  // Normal: move exponent and mantissa into float position and rebias (15 → 127). Subnormal
  // (and zero): mantissa * 2^-24, exact in float and never a float subnormal (no slow assists).
  // Inf and NaN keep an all-ones exponent and their payload. Masks, not branches, so GCC
  // vectorises it.
  const uint32_t normal = (em << 13) + ((127u - 15u) << 23);
  const uint32_t subnormal = std::bit_cast<uint32_t>(static_cast<float>(em) * 0x1p-24f);
  const uint32_t special = 0x7F800000u | ((em & 0x3FFu) << 13);
  const uint32_t is_normal = 0u - static_cast<uint32_t>(em >= 0x0400u);  // all ones or zero
  const uint32_t is_special = 0u - static_cast<uint32_t>(em >= 0x7C00u);
  return sign | (subnormal & ~is_normal) | (normal & is_normal & ~is_special) |
         (special & is_special);
}

ARROWROOT_SWAP_CLONES
void HalfToFloat(const std::byte* __restrict src, size_t n, std::byte* __restrict dst) {
  for (size_t i = 0; i < n; ++i) {
    uint16_t h;
    std::memcpy(&h, src + 2 * i, 2);
    const uint32_t f = HalfToFloatBits(h);
    std::memcpy(dst + 4 * i, &f, 4);
  }
}

void SplitHalfToFloat(const std::byte* src, size_t n, std::byte* dst) {
  for (size_t i = 0; i < n; ++i) {
    const uint16_t h = static_cast<uint16_t>(static_cast<unsigned>(src[i]) |
                                             (static_cast<unsigned>(src[n + i]) << 8));
    const uint32_t f = HalfToFloatBits(h);
    std::memcpy(dst + 4 * i, &f, 4);
  }
}

ARROWROOT_SWAP_CLONES
void WidenU32(const std::byte* __restrict src, size_t n, std::byte* __restrict dst) {
  for (size_t i = 0; i < n; ++i) {
    uint32_t v;
    std::memcpy(&v, src + 4 * i, 4);
    const uint64_t w = v;
    std::memcpy(dst + 8 * i, &w, 8);
  }
}

void UnpackSwitch(const std::byte* src, size_t n, std::byte* dst) {
  // Spec, "Switch": a 64-bit index then a 32-bit tag, little-endian, 12 bytes per element.
  for (size_t i = 0; i < n; ++i) {
    SwitchElement e;
    std::memcpy(&e.index, src + 12 * i, 8);
    std::memcpy(&e.tag, src + 12 * i + 8, 4);
    std::memcpy(dst + sizeof(SwitchElement) * i, &e, sizeof(SwitchElement));
  }
}

using root_format::rntuple::ColumnTypeName;
std::string Describe(ColumnType type) { return ColumnTypeName(static_cast<uint16_t>(type)); }

}  // namespace

int NativeWidth(ColumnType type) {
  switch (type) {
    case ColumnType::kBit:
    case ColumnType::kByte:
    case ColumnType::kChar:
    case ColumnType::kInt8:
    case ColumnType::kUInt8:
      return 1;
    case ColumnType::kInt16:
    case ColumnType::kUInt16:
    case ColumnType::kSplitInt16:
    case ColumnType::kSplitUInt16:
      return 2;
    case ColumnType::kInt32:
    case ColumnType::kUInt32:
    case ColumnType::kSplitInt32:
    case ColumnType::kSplitUInt32:
    case ColumnType::kReal16:
    case ColumnType::kSplitReal16:
    case ColumnType::kReal32:
    case ColumnType::kSplitReal32:
    case ColumnType::kReal32Trunc:
      return 4;
    case ColumnType::kInt64:
    case ColumnType::kUInt64:
    case ColumnType::kSplitInt64:
    case ColumnType::kSplitUInt64:
    case ColumnType::kReal32Quant:
    case ColumnType::kReal64:
    case ColumnType::kSplitReal64:
    case ColumnType::kIndex32:
    case ColumnType::kIndex64:
    case ColumnType::kSplitIndex32:
    case ColumnType::kSplitIndex64:
      return 8;
    case ColumnType::kSwitch:
      return static_cast<int>(sizeof(SwitchElement));
  }
  return 0;
}

uint64_t StoredPageBytes(ColumnType type, uint16_t bits, uint64_t n) {
  // Saturating (n comes from a page list), so no page matches an overflowing count.
  return root_format::rntuple::UnpackedPageBytes(static_cast<uint16_t>(type), bits, n);
}

Status CheckColumnSpec(ColumnType type, uint16_t bits, double min_value, double max_value) {
  const auto raw = static_cast<uint16_t>(type);
  if (!root_format::rntuple::IsKnownColumnType(raw)) {
    return Status::Unsupported("RNTuple " + ColumnTypeName(raw) + " is not a format 1.0 type");
  }
  const int fixed = root_format::rntuple::FixedBitsOnStorage(type);
  if (fixed > 0) {
    if (bits != fixed) {
      return Status::Corruption("RNTuple " + Describe(type) + " column declares " +
                                std::to_string(bits) + " bits on storage, the type has " +
                                std::to_string(fixed));
    }
    return Status::OK();
  }
  // Spec, "Column Description": Real32Trunc 10-31 bits, Real32Quant 1-32 bits.
  const int lo = type == ColumnType::kReal32Trunc ? 10 : 1;
  const int hi = type == ColumnType::kReal32Trunc ? 31 : 32;
  if (bits < lo || bits > hi) {
    return Status::Corruption("RNTuple " + Describe(type) + " column declares " +
                              std::to_string(bits) + " bits on storage, outside " +
                              std::to_string(lo) + "-" + std::to_string(hi));
  }
  if (type == ColumnType::kReal32Quant &&
      !(std::isfinite(min_value) && std::isfinite(max_value) && min_value <= max_value)) {
    return Status::Corruption("RNTuple Real32Quant column has an invalid value range [" +
                              std::to_string(min_value) + ", " + std::to_string(max_value) + "]");
  }
  return Status::OK();
}

Status DecodePage(ColumnType type, uint16_t bits, double min_value, double max_value,
                  ByteView page, uint64_t n, std::byte* out) {
  RETURN_IF_ERROR(CheckColumnSpec(type, bits, min_value, max_value));
  const uint64_t want = StoredPageBytes(type, bits, n);
  if (page.size() != want) {
    return Status::Corruption("RNTuple " + Describe(type) + " page of " + std::to_string(n) +
                              " elements holds " + std::to_string(page.size()) +
                              " bytes, expected " + std::to_string(want));
  }
  const std::byte* src = page.data();
  const size_t count = static_cast<size_t>(n);  // page.size() matched, so n fits
  switch (type) {
    case ColumnType::kBit:
      UnpackBitColumn(src, count, out);
      break;
    case ColumnType::kSwitch:
      UnpackSwitch(src, count, out);
      break;
    case ColumnType::kReal16:
      HalfToFloat(src, count, out);
      break;
    case ColumnType::kSplitReal16:
      SplitHalfToFloat(src, count, out);
      break;
    case ColumnType::kIndex32:
      WidenU32(src, count, out);
      break;
    case ColumnType::kSplitInt16:
      Unsplit<2, Post::kZigzag>(src, count, out);
      break;
    case ColumnType::kSplitUInt16:
      Unsplit<2, Post::kNone>(src, count, out);
      break;
    case ColumnType::kSplitInt32:
      Unsplit<4, Post::kZigzag>(src, count, out);
      break;
    case ColumnType::kSplitUInt32:
    case ColumnType::kSplitReal32:
      Unsplit<4, Post::kNone>(src, count, out);
      break;
    case ColumnType::kSplitInt64:
      Unsplit<8, Post::kZigzag>(src, count, out);
      break;
    case ColumnType::kSplitUInt64:
    case ColumnType::kSplitReal64:
      Unsplit<8, Post::kNone>(src, count, out);
      break;
    case ColumnType::kSplitIndex32:
      UnsplitDelta<4>(src, count, out);
      break;
    case ColumnType::kSplitIndex64:
      UnsplitDelta<8>(src, count, out);
      break;
    case ColumnType::kReal32Trunc:
      UnpackTrunc(src, page.size(), count, bits, out);
      break;
    case ColumnType::kReal32Quant:
      UnpackQuant(src, page.size(), count, bits, min_value, max_value, out);
      break;
    default:  // plain little-endian: the stored bytes are the native ones
      if (!page.empty()) std::memcpy(out, src, page.size());
      break;
  }
  return Status::OK();
}

}  // namespace arrowroot::to_arrow::rntuple
