#include "arrowroot/byte_source/http/retry.h"

#include <gtest/gtest.h>

namespace arrowroot::byte_source {
namespace {

TEST(IsRetryableHttpStatus, ThrottlingAndServerErrorsOnly) {
  for (long s : {408L, 429L, 500L, 502L, 503L, 504L}) EXPECT_TRUE(IsRetryableHttpStatus(s)) << s;
  for (long s : {200L, 206L, 301L, 400L, 401L, 403L, 404L, 416L, 501L}) {
    EXPECT_FALSE(IsRetryableHttpStatus(s)) << s;
  }
}

TEST(BackoffMs, GrowsExponentiallyWithJitterAndIsCapped) {
  RetryPolicy p;
  p.initial_backoff_ms = 100;
  p.backoff_multiplier = 3;
  p.max_backoff_ms = 1000;
  struct Case {
    int retry;
    double random;
    int64_t expected;
  };
  for (const Case& c : std::initializer_list<Case>{
           {1, 0.0, 50}, {1, 0.999999, 99}, {2, 0.0, 150}, {3, 0.5, 675}, {4, 0.0, 500},
           {10, 1.0, 1000}, {0, 0.0, 50}}) {
    EXPECT_EQ(BackoffMs(p, c.retry, c.random), c.expected) << c.retry << " " << c.random;
  }
}

TEST(BackoffMs, RetryAfterIsAFloorCappedByThePolicy) {
  RetryPolicy p;
  p.initial_backoff_ms = 100;
  p.max_retry_after_ms = 5000;
  EXPECT_EQ(BackoffMs(p, 1, 0.0, 2000), 2000);
  EXPECT_EQ(BackoffMs(p, 1, 0.0, 10), 50);
  EXPECT_EQ(BackoffMs(p, 1, 0.0, 999999), 5000);
}

TEST(ParseRetryAfterMs, SecondsOrHttpDate) {
  const std::time_t now = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(ParseRetryAfterMs("120", now), 120000);
  EXPECT_EQ(ParseRetryAfterMs(" 0 ", now), 0);
  EXPECT_EQ(ParseRetryAfterMs("Sun, 06 Nov 1994 08:49:47 GMT", now), 10000);
  EXPECT_EQ(ParseRetryAfterMs("Sun, 06 Nov 1994 08:49:00 GMT", now), 0);  // in the past
  EXPECT_EQ(ParseRetryAfterMs("soon", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfterMs("-5", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfterMs("", now), std::nullopt);
}

TEST(ParseHttpDate, ImfFixdate) {
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), std::time_t{784111777});
  EXPECT_EQ(ParseHttpDate("yesterday"), std::nullopt);
}

}  // namespace
}  // namespace arrowroot::byte_source
