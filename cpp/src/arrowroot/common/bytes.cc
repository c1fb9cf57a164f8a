#include "arrowroot/common/bytes.h"

#include <cstdio>

namespace arrowroot {

std::string FormatRange(uint64_t offset, uint64_t length) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "[0x%llx,+%llu)", static_cast<unsigned long long>(offset),
                static_cast<unsigned long long>(length));
  return buf;
}

}  // namespace arrowroot
