#include "arrowroot/byte_source/http/http_transport.h"

#include <cstdio>

namespace arrowroot::byte_source {

std::string HttpResponse::Header(std::string_view name) const {
  std::string found;
  for (const auto& [k, v] : headers) {
    if (k == name) found = v;
  }
  return found;
}

std::string HttpResponse::BodyText() const {
  return std::string(reinterpret_cast<const char*>(body.data()), body.size());
}

bool ParseContentRange(const std::string& v, uint64_t* first, uint64_t* last, int64_t* total) {
  unsigned long long a = 0, b = 0, t = 0;
  if (std::sscanf(v.c_str(), "bytes %llu-%llu/%llu", &a, &b, &t) == 3) {
    *first = a;
    *last = b;
    *total = static_cast<int64_t>(t);
    return true;
  }
  if (std::sscanf(v.c_str(), "bytes */%llu", &t) == 1) {
    *first = 1;
    *last = 0;
    *total = static_cast<int64_t>(t);
    return true;
  }
  return false;
}

uint64_t DamagedPartialLength(const HttpResponse& response) {
  if (response.status != 206) return 0;
  uint64_t first = 0, last = 0;
  int64_t total = -1;
  if (ParseContentRange(response.Header("content-range"), &first, &last, &total) &&
      last >= first && response.body.size() != last - first + 1) {
    return last - first + 1;
  }
  return 0;
}

}  // namespace arrowroot::byte_source
