#include "arrowroot/byte_source/webhdfs.h"

#include <gtest/gtest.h>

namespace arrowroot::byte_source {
namespace {

TEST(WebHdfsUrl, SchemesMapToTheRestEndpoint) {
  auto a = ParseWebHdfsUrl("hdfs://nn.example:9870/data/run 1/f.root");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->base, "http://nn.example:9870/webhdfs/v1");
  EXPECT_EQ(a->path, "/data/run 1/f.root");
  EXPECT_EQ(WebHdfsOpUrl(*a, "OPEN", "&offset=5", "alice"),
            "http://nn.example:9870/webhdfs/v1/data/run%201/f.root?op=OPEN&offset=5&user.name=alice");
  auto s = ParseWebHdfsUrl("swebhdfs://nn:9871/x");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->base, "https://nn:9871/webhdfs/v1");
  // An hdfs:// URL with the RPC port: ARROWROOT_WEBHDFS_PORT replaces it.
  auto o = ParseWebHdfsUrl("hdfs://nn:8020/x", "9870");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->base, "http://nn:9870/webhdfs/v1");
  EXPECT_FALSE(ParseWebHdfsUrl("s3://b/k").ok());
  EXPECT_FALSE(ParseWebHdfsUrl("hdfs:///x").ok());
}

TEST(WebHdfsRedirect, NoRedirectAnswerGivesTheDataNodeUrl) {
  auto loc = ParseRedirectLocation(
      "{\"Location\":\"http://127.0.0.1:40111/webhdfs/v1/t/f.root?op=OPEN&user.name=u"
      "&namenoderpcaddress=localhost:40000&length=10&offset=0\"}");
  ASSERT_TRUE(loc.ok()) << loc.status().ToString();
  EXPECT_EQ(*loc,
            "http://127.0.0.1:40111/webhdfs/v1/t/f.root?op=OPEN&user.name=u"
            "&namenoderpcaddress=localhost:40000&length=10&offset=0");
  // Escaped slashes (some JSON writers) are unescaped.
  auto esc = ParseRedirectLocation("{\"Location\" : \"http:\\/\\/dn:1\\/webhdfs\\/v1\\/a\"}");
  ASSERT_TRUE(esc.ok());
  EXPECT_EQ(*esc, "http://dn:1/webhdfs/v1/a");
  EXPECT_EQ(ParseRedirectLocation("{}").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseRedirectLocation("{\"Location\":\"file:///etc/passwd\"}").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(WebHdfsJson, FileStatusAndListing) {
  auto st = ParseFileStatus(
      "{\"FileStatus\":{\"accessTime\":1,\"blockSize\":134217728,\"childrenNum\":0,"
      "\"length\":12345,\"pathSuffix\":\"\",\"type\":\"FILE\"}}");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->length, 12345u);
  EXPECT_FALSE(st->is_directory);
  auto ls = ParseListStatus(
      "{\"FileStatuses\":{\"FileStatus\":[{\"length\":0,\"pathSuffix\":\"sub\",\"type\":"
      "\"DIRECTORY\",\"ecPolicyObj\":{\"name\":\"x\"}},{\"length\":7,\"pathSuffix\":\"a}b.root\","
      "\"type\":\"FILE\"}]}}");
  ASSERT_TRUE(ls.ok());
  ASSERT_EQ(ls->size(), 2u);
  EXPECT_TRUE((*ls)[0].is_directory);
  EXPECT_EQ((*ls)[0].path_suffix, "sub");
  EXPECT_EQ((*ls)[1].path_suffix, "a}b.root");
  EXPECT_EQ((*ls)[1].length, 7u);
  EXPECT_EQ(ParseFileStatus("{\"boolean\":true}").status().code(), StatusCode::kCorruption);
}

TEST(WebHdfsJson, RemoteExceptionIsDescribed) {
  HttpResponse r;
  r.status = 404;
  const std::string body =
      "{\"RemoteException\":{\"exception\":\"FileNotFoundException\",\"javaClassName\":"
      "\"java.io.FileNotFoundException\",\"message\":\"File does not exist: /nope\"}}";
  r.body.assign(reinterpret_cast<const std::byte*>(body.data()),
                reinterpret_cast<const std::byte*>(body.data()) + body.size());
  EXPECT_EQ(DescribeWebHdfsError(r), "FileNotFoundException: File does not exist: /nope");
}

}  // namespace
}  // namespace arrowroot::byte_source
