// Retry policy for remote sources: which failures are worth another try and how long to wait.
// Pure functions (the caller supplies the clock and the randomness), so they are tested
// table-driven; the HTTP client (http_client.h) is the one place that loops over them.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string_view>

namespace arrowroot::byte_source {

struct RetryPolicy {
  /// Tries in all, the first included (1 = never retry).
  int max_attempts = 5;
  /// Wait before the first retry; each later retry waits `backoff_multiplier` times longer.
  int64_t initial_backoff_ms = 100;
  double backoff_multiplier = 3.0;
  int64_t max_backoff_ms = 10'000;
  /// Give up once this much time has passed since the first try (0 = no limit).
  int64_t max_total_ms = 120'000;
  /// Longest Retry-After we honour; a server asking for more gets this.
  int64_t max_retry_after_ms = 60'000;
};

/// HTTP statuses that mean "try again": 408, 429, 500, 502, 503, 504.
bool IsRetryableHttpStatus(long status);

/// The wait before retry number `retry` (1 = the first retry): exponential from
/// initial_backoff_ms, capped at max_backoff_ms, with jitter (`unit_random` in [0, 1) picks a
/// point in [base/2, base)); a Retry-After from the server is a floor, capped at
/// max_retry_after_ms.
int64_t BackoffMs(const RetryPolicy& policy, int retry, double unit_random,
                  std::optional<int64_t> retry_after_ms = std::nullopt);

/// A Retry-After header value (delta seconds, or an HTTP-date relative to `now`) in ms;
/// nullopt if it cannot be parsed. Dates in the past give 0.
std::optional<int64_t> ParseRetryAfterMs(std::string_view value, std::time_t now);

/// An HTTP-date ("Sun, 06 Nov 1994 08:49:37 GMT", RFC 9110 IMF-fixdate) as a time_t.
std::optional<std::time_t> ParseHttpDate(std::string_view value);

}  // namespace arrowroot::byte_source
