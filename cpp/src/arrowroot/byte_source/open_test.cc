#include "arrowroot/byte_source/open.h"

#include <gtest/gtest.h>

#include <string>

namespace arrowroot::byte_source {
namespace {

const std::string kData = ARROWROOT_TESTDATA_DIR;

TEST(OpenSource, LocalPathsAndFileUrls) {
  auto a = OpenSource(kData + "/uproot-Zmumu.root");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = OpenSource("file://" + kData + "/uproot-Zmumu.root");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ((*a)->size(), (*b)->size());
  EXPECT_FALSE((*a)->is_remote());
}

TEST(OpenSource, UnknownSchemeIsUnsupportedNamingIt) {
  auto r = OpenSource("root://eospublic.cern.ch//eos/f.root");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(r.status().ToString().find("'root://'"), std::string::npos);
}

TEST(OpenSource, UnreachableHttpEndpointIsAnIOErrorNamingTheUrl) {
  SourceOptions o;
  o.http.retry.max_attempts = 2;
  o.http.retry.initial_backoff_ms = 1;
  o.http.connect_timeout_ms = 2000;
  // Port 1 on loopback: nothing listens, the connection is refused at once.
  auto r = OpenSource("http://127.0.0.1:1/f.root?X-Amz-Signature=secret", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
  const std::string msg = r.status().ToString();
  EXPECT_NE(msg.find("http://127.0.0.1:1/f.root"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("secret"), std::string::npos) << msg;  // signed query strings never shown
  EXPECT_NE(msg.find("2 tries"), std::string::npos) << msg;
}

TEST(Glob, LocalPatternsSortedAndNotFoundWhenEmpty) {
  auto r = Glob(kData + "/uproot-Zmumu*.root");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_NE((*r)[0].find("uproot-Zmumu-lzma.root"), std::string::npos);
  auto none = Glob(kData + "/nothing-*.root");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  auto literal = Glob(kData + "/whatever.root");
  ASSERT_TRUE(literal.ok());
  EXPECT_EQ(literal->size(), 1u);
}

}  // namespace
}  // namespace arrowroot::byte_source
