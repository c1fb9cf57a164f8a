#include "arrowroot/byte_source/url.h"

#include <gtest/gtest.h>

namespace arrowroot::byte_source {
namespace {

TEST(UrlScheme, LowerCasedSchemeOrEmptyForPaths) {
  const std::pair<const char*, const char*> cases[] = {
      {"S3://b/k", "s3"}, {"https://h/x", "https"}, {"/data/f.root", ""}, {"dir/odd name://x", ""}};
  for (const auto& [in, scheme] : cases) EXPECT_EQ(UrlScheme(in), scheme) << in;
}

TEST(RedactUrl, DropsQueryFragmentAndUserinfo) {
  EXPECT_EQ(RedactUrl("https://h/p/f.root?X-Amz-Signature=s#frag"), "https://h/p/f.root");
  EXPECT_EQ(RedactUrl("https://user:pw@h:8443/f.root"), "https://h:8443/f.root");
  EXPECT_EQ(RedactUrl("https://h/a@b.root"), "https://h/a@b.root");  // '@' in the path stays
  EXPECT_EQ(RedactUrl("/local/f.root"), "/local/f.root");
}

TEST(SplitUrl, OriginHostAndRest) {
  std::string origin, host, rest;
  ASSERT_TRUE(SplitUrl("http://127.0.0.1:9000/b/k?x=1", &origin, &host, &rest));
  EXPECT_EQ(origin, "http://127.0.0.1:9000");
  EXPECT_EQ(host, "127.0.0.1:9000");
  EXPECT_EQ(rest, "/b/k?x=1");
  ASSERT_TRUE(SplitUrl("https://s3.cern.ch", &origin, &host, &rest));
  EXPECT_EQ(rest, "/");
  EXPECT_FALSE(SplitUrl("no-scheme/x", &origin, &host, &rest));
  EXPECT_FALSE(SplitUrl("http:///x", &origin, &host, &rest));
}

TEST(UriEncode, KeepsUnreservedAndOptionallySlashes) {
  EXPECT_EQ(UriEncode("a b/c~d_e.f-g", false), "a%20b/c~d_e.f-g");
  EXPECT_EQ(UriEncode("a b/c", true), "a%20b%2Fc");
  EXPECT_EQ(UriEncode("\xff+", true), "%FF%2B");
}

TEST(PercentDecode, DecodesEscapesAndReportsMalformedOnes) {
  struct Case {
    const char* in;
    const char* out;
    bool valid;
  };
  for (const Case& c : std::initializer_list<Case>{{"a%20b", "a b", true},
                                                   {"%2f%2F", "//", true},
                                                   {"plain", "plain", true},
                                                   {"100%", "100%", false},
                                                   {"%zz1", "%zz1", false},
                                                   {"%4", "%4", false},
                                                   {"%41%", "A%", false}}) {
    std::string out;
    EXPECT_EQ(PercentDecode(c.in, &out), c.valid) << c.in;
    EXPECT_EQ(out, c.out) << c.in;
  }
}

}  // namespace
}  // namespace arrowroot::byte_source
