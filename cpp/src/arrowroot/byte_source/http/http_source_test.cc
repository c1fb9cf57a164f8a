// The HTTP source and client against a scripted transport (cpp/testing/fake_http_transport.h):
// Range honoured or ignored, the object changing under a read, the retry policy, and the
// messages the user sees.
#include "arrowroot/byte_source/http/http_source.h"

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>

#include "testing/fake_http_transport.h"

namespace arrowroot::byte_source {
namespace {

using Fake = arrowroot::testing::FakeHttpTransport;

const std::string kUrl = "http://fake.example/data/f.root?X-Amz-Signature=secret";
const std::string kName = "http://fake.example/data/f.root";

std::string Object(size_t n, int seed = 0) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 7 + seed) % 251);
  return s;
}

// Head and tail reads of 100 and 200 bytes; three quick tries.
HttpOptions Options(const std::shared_ptr<Fake>& fake) {
  HttpOptions o;
  o.transport = fake;
  o.head_bytes = 100;
  o.tail_bytes = 200;
  o.retry.max_attempts = 3;
  o.retry.initial_backoff_ms = 1;
  o.retry.max_backoff_ms = 2;
  return o;
}

Result<std::string> ReadString(const ByteSource& source, uint64_t offset, uint64_t length) {
  std::string out(length, '\0');
  RETURN_IF_ERROR(source.ReadAt(offset, {reinterpret_cast<std::byte*>(out.data()), out.size()}));
  return out;
}

// One object of 1000 bytes behind a fake server.
class HttpSourceTest : public ::testing::Test {
 protected:
  std::shared_ptr<ByteSource> Open() {
    auto source = OpenHttpSource(kUrl, Options(fake_));
    EXPECT_TRUE(source.ok()) << source.status().ToString();
    return source.ok() ? *source : nullptr;
  }
  // Read [offset, +length) and compare it with the object.
  void ExpectRead(const ByteSource& source, uint64_t offset, uint64_t length) {
    auto r = ReadString(source, offset, length);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, object_.substr(offset, length));
  }
  // Read [300, +50) and expect an IOError whose message holds `fragment`.
  void ExpectReadError(const ByteSource& source, const std::string& fragment) {
    auto r = ReadString(source, 300, 50);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kIOError);
    EXPECT_NE(r.status().message().find(fragment), std::string::npos) << r.status().message();
  }
  const std::string object_ = Object(1000);
  std::shared_ptr<Fake> fake_ = std::make_shared<Fake>(object_);
};

TEST_F(HttpSourceTest, HonoursRangeWithSpeculativeHeadAndTailReads) {
  auto source = Open();
  ASSERT_TRUE(source);
  EXPECT_EQ(source->size(), 1000u);
  EXPECT_EQ(source->etag(), "\"v1\"");
  EXPECT_EQ(source->name(), kName);  // no query string in messages
  EXPECT_EQ(fake_->ranges(), (std::vector<std::string>{"bytes=0-99", "bytes=800-999"}));
  EXPECT_TRUE(source->HasInMemory(10, 20));
  EXPECT_TRUE(source->HasInMemory(850, 100));
  EXPECT_FALSE(source->HasInMemory(300, 50));

  ExpectRead(*source, 300, 50);
  EXPECT_EQ(fake_->ranges().back(), "bytes=300-349");
  ExpectRead(*source, 850, 100);  // from memory
  EXPECT_EQ(fake_->num_requests(), 3u);
  EXPECT_EQ(source->stats().num_full_downloads.load(), 0u);
}

TEST_F(HttpSourceTest, ServerIgnoringRangeIsReadOnceWhole) {
  fake_->set_ignore_range(true);
  auto source = Open();
  ASSERT_TRUE(source);
  EXPECT_EQ(source->size(), 1000u);
  ExpectRead(*source, 300, 50);
  EXPECT_EQ(fake_->num_requests(), 1u);
  EXPECT_EQ(source->stats().num_full_downloads.load(), 1u);
}

TEST_F(HttpSourceTest, ServerThatStopsHonouringRangeMidReadFallsBackToTheWholeObject) {
  auto source = Open();
  ASSERT_TRUE(source);
  fake_->set_ignore_range(true);
  ExpectRead(*source, 300, 50);
  ExpectRead(*source, 500, 10);  // from the whole download
  EXPECT_EQ(fake_->num_requests(), 3u);
  EXPECT_EQ(source->stats().num_full_downloads.load(), 1u);
}

TEST_F(HttpSourceTest, EtagChangeMidReadIsAnErrorNamingBothTags) {
  auto source = Open();
  ASSERT_TRUE(source);
  fake_->Replace(Object(1000, 1), "\"v2\"");
  auto r = ReadString(*source, 300, 50);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
  EXPECT_FALSE(r.status().retryable());
  EXPECT_EQ(r.status().message(),
            "GET " + kName + " " + FormatRange(300, 50) +
                ": the object changed while it was being read (ETag \"v1\" became \"v2\"); open it "
                "again");
  EXPECT_EQ(fake_->num_requests(), 3u);  // not retried

  // A whole object with another tag (the server stopped honouring Range) is caught too.
  fake_->set_ignore_range(true);
  ExpectReadError(*source, "ETag \"v1\" became \"v2\"");
}

TEST_F(HttpSourceTest, SizeChangeMidReadIsAnError) {
  auto source = Open();
  ASSERT_TRUE(source);
  fake_->Replace(Object(1200), "\"v1\"");
  ExpectReadError(*source,
                  ": the object's size changed from 1000 to 1200 bytes while it was being read; "
                  "open it again");
  fake_->set_ignore_range(true);
  ExpectReadError(*source,
                  ": the server ignored Range and sent 1200 bytes of an object of 1000; it "
                  "changed while being read");
}

TEST_F(HttpSourceTest, ShorterRangeThanAskedIsAnError) {
  auto source = Open();
  ASSERT_TRUE(source);
  fake_->set_max_range_bytes(20);
  auto r = ReadString(*source, 300, 50);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "GET " + kName + " " + FormatRange(300, 50) +
                                      ": the server answered with Content-Range 'bytes "
                                      "300-319/1000' instead of the range asked for");
}

TEST(HttpSource, EmptyObjectHasSizeZero) {
  auto fake = std::make_shared<Fake>("");
  auto source = OpenHttpSource(kUrl, Options(fake));
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  EXPECT_EQ((*source)->size(), 0u);
}

struct RetryCase {
  const char* name;
  Fake::Fault fault;
  std::string detail;  // what the message says after the request
};

void PrintTo(const RetryCase& c, std::ostream* os) { *os << c.name; }

class RetryableFailure : public ::testing::TestWithParam<RetryCase> {};

TEST_P(RetryableFailure, IsRetriedAndThenSucceeds) {
  auto fake = std::make_shared<Fake>(Object(1000));
  fake->Fail(GetParam().fault, 2);
  auto source = OpenHttpSource(kUrl, Options(fake));
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  EXPECT_EQ(fake->num_requests(), 4u);  // two failures, then the head and the tail
  EXPECT_EQ((*source)->stats().num_retries.load(), 2u);
  EXPECT_EQ((*source)->stats().num_requests.load(), 4u);
}

TEST_P(RetryableFailure, GivesUpAfterThePolicysTriesWithTheLastError) {
  auto fake = std::make_shared<Fake>(Object(1000));
  fake->Fail(GetParam().fault, 10);
  auto source = OpenHttpSource(kUrl, Options(fake));
  ASSERT_FALSE(source.ok());
  const Status& st = source.status();
  EXPECT_EQ(st.code(), StatusCode::kIOError);
  EXPECT_TRUE(st.retryable());
  const std::string prefix = "GET " + kName + " bytes=0-99: " + GetParam().detail + " (gave up after 3 tries in ";
  EXPECT_EQ(st.message().substr(0, prefix.size()), prefix) << st.message();
  EXPECT_TRUE(st.message().ends_with(" ms; try again later)")) << st.message();
  EXPECT_EQ(fake->num_requests(), 3u);
}

INSTANTIATE_TEST_SUITE_P(
    HttpClient, RetryableFailure,
    ::testing::Values(RetryCase{"ServiceUnavailable", {503}, "HTTP 503"},
                      RetryCase{"Throttled", {429, true, {{"retry-after", "0"}}}, "HTTP 429"},
                      RetryCase{"InternalError", {500}, "HTTP 500"},
                      RetryCase{"TransferError", {0, true}, "Connection reset by peer"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(HttpClient, ShortBodyIsADamagedTransferAndIsRetried) {
  auto fake = std::make_shared<Fake>(Object(1000));
  fake->CutNextBodies(10, 1);
  auto source = OpenHttpSource(kUrl, Options(fake));
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  EXPECT_EQ((*source)->stats().num_retries.load(), 1u);

  fake->CutNextBodies(10, 5);
  auto failed = OpenHttpSource(kUrl, Options(fake));
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(failed.status().message().starts_with(
      "GET " + kName + " bytes=0-99: received 90 of the 100 bytes in Content-Range; the "
      "response was damaged (gave up after 3 tries in "))
      << failed.status().message();
}

TEST(HttpClient, NonRetryableTransferErrorIsNotRetried) {
  auto fake = std::make_shared<Fake>(Object(1000));
  fake->FailTransfer(/*retryable=*/false);
  auto source = OpenHttpSource(kUrl, Options(fake));
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().message(), "GET " + kName + " bytes=0-99: Connection reset by peer");
  EXPECT_FALSE(source.status().retryable());
  EXPECT_EQ(fake->num_requests(), 1u);
}

TEST(HttpClient, ClientErrorsAreNotRetried) {
  auto fake = std::make_shared<Fake>(Object(1000));
  fake->FailWithStatus(403);
  auto denied = OpenHttpSource(kUrl, Options(fake));
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().code(), StatusCode::kIOError);
  EXPECT_FALSE(denied.status().retryable());
  EXPECT_EQ(denied.status().message(),
            "GET " + kName + ": access denied, HTTP 403; check the credentials (access key, "
            "secret, session token), the region and the endpoint");
  EXPECT_EQ(fake->num_requests(), 1u);

  fake->FailWithStatus(404);
  auto missing = OpenHttpSource(kUrl, Options(fake));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "GET " + kName + ": HTTP 404; check the URL");
  EXPECT_EQ(fake->num_requests(), 2u);
}

TEST(HttpClient, CallersHooksSignDescribeAndNameTheRequest) {
  auto fake = std::make_shared<Fake>(Object(1000));
  HttpOptions o = Options(fake);
  o.signer = [](HttpRequest& request) {
    request.headers.emplace_back("Authorization", "test");
    return Status::OK();
  };
  o.display_name = "store://b/k";
  o.not_found_hint = "check the bucket and the key";
  o.request_id_header = "x-request-id";
  fake->Fail({404, true, {{"x-request-id", "tx42"}}});
  auto missing = OpenHttpSource(kUrl, o);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            "GET store://b/k: HTTP 404 (request id tx42); check the bucket and the key");
  ASSERT_EQ(fake->num_requests(), 1u);
  const HttpRequest sent = fake->requests()[0];
  EXPECT_FALSE(sent.follow_redirects);  // a signature covers the host
  EXPECT_EQ(sent.headers.back(), (std::pair<std::string, std::string>("Authorization", "test")));

  auto plain = OpenHttpSource(kUrl, Options(fake));
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(fake->requests().back().follow_redirects);
}

}  // namespace
}  // namespace arrowroot::byte_source
