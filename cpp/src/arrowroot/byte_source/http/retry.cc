#include "arrowroot/byte_source/http/retry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>

namespace arrowroot::byte_source {

bool IsRetryableHttpStatus(long status) {
  // Request timeout, throttling, and the server-side failures a load balancer or an overloaded
  // RGW/S3 front end produces; the same set DuckDB's httpfs and the AWS SDKs retry.
  switch (status) {
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      return false;
  }
}

int64_t BackoffMs(const RetryPolicy& policy, int retry, double unit_random,
                  std::optional<int64_t> retry_after_ms) {
  const int n = std::max(retry, 1);
  double base = static_cast<double>(policy.initial_backoff_ms) *
                std::pow(policy.backoff_multiplier, static_cast<double>(n - 1));
  base = std::min(base, static_cast<double>(policy.max_backoff_ms));
  const double u = std::clamp(unit_random, 0.0, 1.0);
  auto wait = static_cast<int64_t>(base * (0.5 + 0.5 * u));
  if (retry_after_ms) {
    wait = std::max(wait, std::min(*retry_after_ms, policy.max_retry_after_ms));
  }
  return std::max<int64_t>(wait, 0);
}

std::optional<std::time_t> ParseHttpDate(std::string_view value) {
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 section 5.6.7).
  std::string text(value);
  struct tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end) return std::nullopt;
  return timegm(&tm);
}

std::optional<int64_t> ParseRetryAfterMs(std::string_view value, std::time_t now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  int64_t seconds = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && ptr == value.data() + value.size()) {
    if (seconds < 0) return std::nullopt;
    return std::min<int64_t>(seconds, 86'400) * 1000;
  }
  auto date = ParseHttpDate(value);
  if (!date) return std::nullopt;
  return std::max<int64_t>(0, static_cast<int64_t>(*date - now)) * 1000;
}

}  // namespace arrowroot::byte_source
