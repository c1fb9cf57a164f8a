// Byte views, ranges and big-endian loads. Nothing here knows ROOT, HTTP or Arrow.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "arrowroot/common/pod_vector.h"

namespace arrowroot {

using ByteView = std::span<const std::byte>;
/// Owned bytes (not zero-initialised when sized: readers fill them).
using Bytes = PodVector<std::byte>;

/// A byte range in a source: [offset, offset + length).
struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
  uint64_t end() const { return offset + length; }
  bool operator==(const ByteRange&) const = default;
};

/// "[0x1f00,+4210)": how byte ranges appear in error messages.
std::string FormatRange(uint64_t offset, uint64_t length);

inline uint16_t LoadBE16(const std::byte* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return __builtin_bswap16(v);
}
inline uint32_t LoadBE32(const std::byte* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}
inline uint64_t LoadBE64(const std::byte* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}

}  // namespace arrowroot
