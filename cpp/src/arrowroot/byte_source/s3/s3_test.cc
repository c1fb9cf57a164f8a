#include "arrowroot/byte_source/s3/s3_client.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace arrowroot::byte_source {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

class AwsFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("arrowroot-s3-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / ".aws");
    std::ofstream(dir_ / ".aws/credentials") << "[default]\naws_access_key_id = AKDEFAULT\n"
                                                "aws_secret_access_key = SKDEFAULT\n\n"
                                                "[cern]\naws_access_key_id=AKCERN\n"
                                                "aws_secret_access_key=SKCERN\naws_session_token = TOK\n";
    std::ofstream(dir_ / ".aws/config") << "[default]\nregion = eu-west-1\n\n"
                                           "[profile cern]\nregion = cern\n"
                                           "endpoint_url = https://s3.cern.ch\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string home() const { return dir_.string(); }
  std::filesystem::path dir_;
};

TEST_F(AwsFiles, DefaultProfileGivesCredentialsRegionAndAwsEndpoint) {
  auto c = ResolveS3Config({}, FakeEnv({{"HOME", home()}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->credentials.access_key_id, "AKDEFAULT");
  EXPECT_EQ(c->credentials.secret_access_key, "SKDEFAULT");
  EXPECT_EQ(c->region, "eu-west-1");
  EXPECT_EQ(c->endpoint, "https://s3.eu-west-1.amazonaws.com");
  EXPECT_FALSE(c->path_style);  // virtual-host style for AWS
  EXPECT_FALSE(c->anonymous);
  EXPECT_NE(c->credentials_source.find("profile 'default'"), std::string::npos);
}

TEST_F(AwsFiles, NamedProfileFromEnvironmentWithCustomEndpointIsPathStyle) {
  auto c = ResolveS3Config({}, FakeEnv({{"HOME", home()}, {"AWS_PROFILE", "cern"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->credentials.access_key_id, "AKCERN");
  EXPECT_EQ(c->credentials.session_token, "TOK");
  EXPECT_EQ(c->region, "cern");
  EXPECT_EQ(c->endpoint, "https://s3.cern.ch");
  EXPECT_TRUE(c->path_style);
}

TEST_F(AwsFiles, EnvironmentBeatsFilesAndOptionsBeatEnvironment) {
  auto env = FakeEnv({{"HOME", home()},
                      {"AWS_ACCESS_KEY_ID", "AKENV"},
                      {"AWS_SECRET_ACCESS_KEY", "SKENV"},
                      {"AWS_SESSION_TOKEN", "TOKENV"},
                      {"AWS_REGION", "us-west-2"},
                      {"AWS_DEFAULT_REGION", "ignored"},
                      {"AWS_ENDPOINT_URL", "http://127.0.0.1:47480/"}});
  auto c = ResolveS3Config({}, env);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->credentials.access_key_id, "AKENV");
  EXPECT_EQ(c->credentials.session_token, "TOKENV");
  EXPECT_EQ(c->region, "us-west-2");
  EXPECT_EQ(c->endpoint, "http://127.0.0.1:47480");
  EXPECT_TRUE(c->path_style);

  S3Options o;
  o.access_key_id = "AKOPT";
  o.secret_access_key = "SKOPT";
  o.region = "r";
  o.endpoint_url = "https://other:9000";
  c = ResolveS3Config(o, env);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->credentials.access_key_id, "AKOPT");
  EXPECT_EQ(c->credentials.session_token, "");
  EXPECT_EQ(c->region, "r");
  EXPECT_EQ(c->endpoint, "https://other:9000");
  // The S3-specific endpoint variable wins over the generic one.
  c = ResolveS3Config({}, FakeEnv({{"AWS_ENDPOINT_URL", "http://a:1"}, {"AWS_ENDPOINT_URL_S3", "http://b:2"}}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->endpoint, "http://b:2");
}

TEST_F(AwsFiles, NoCredentialsMeansAnonymousAndSaysSo) {
  auto c = ResolveS3Config({}, FakeEnv({}));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->anonymous);
  EXPECT_EQ(c->region, "us-east-1");
  EXPECT_NE(c->credentials_source.find("anonymous"), std::string::npos);
  S3Options anon;
  anon.anonymous = true;
  c = ResolveS3Config(anon, FakeEnv({{"HOME", home()}}));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->anonymous);
}

TEST_F(AwsFiles, ErrorsNameTheProblemButNoSecret) {
  auto c = ResolveS3Config({}, FakeEnv({{"HOME", home()}, {"AWS_PROFILE", "nope"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().ToString().find("'nope'"), std::string::npos);
  c = ResolveS3Config({}, FakeEnv({{"AWS_ACCESS_KEY_ID", "AK"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().ToString().find("secret access key"), std::string::npos);
  c = ResolveS3Config({}, FakeEnv({{"AWS_ENDPOINT_URL", "ftp://x"}, {"AWS_SECRET_ACCESS_KEY", "SUPERSECRET"},
                                   {"AWS_ACCESS_KEY_ID", "AK"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().ToString().find("SUPERSECRET"), std::string::npos);
}

TEST(ParseS3Url, BucketAndKey) {
  auto l = ParseS3Url("s3://bucket/run2012/a b.root");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->bucket, "bucket");
  EXPECT_EQ(l->key, "run2012/a b.root");
  EXPECT_FALSE(ParseS3Url("s3:///key").ok());
  EXPECT_FALSE(ParseS3Url("https://bucket/key").ok());
  auto b = ParseS3Url("s3://bucket");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->key, "");
}

TEST(S3ObjectUrl, PathAndVirtualHostStyleWithEncodedKey) {
  S3Config c;
  c.endpoint = "http://127.0.0.1:47480";
  c.path_style = true;
  EXPECT_EQ(S3ObjectUrl(c, {"b", "dir/a b+c.root"}), "http://127.0.0.1:47480/b/dir/a%20b%2Bc.root");
  c.endpoint = "https://s3.eu-west-1.amazonaws.com";
  c.path_style = false;
  EXPECT_EQ(S3ObjectUrl(c, {"b", "k.root"}), "https://b.s3.eu-west-1.amazonaws.com/k.root");
}

// What the signer puts in x-amz-content-sha256 for an upload: the body's SHA-256 over plain
// HTTP; UNSIGNED-PAYLOAD over HTTPS when Content-MD5 lets S3 check the body (as the SDKs do).
std::string PayloadHashHeader(const std::string& endpoint, bool with_md5) {
  S3Config config;
  config.endpoint = endpoint;
  config.region = "us-east-1";
  config.credentials = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  HttpOptions http = S3HttpOptions(HttpOptions{}, config, "test");
  static const std::string kBody = "Welcome to Amazon S3.";
  HttpRequest req{"PUT", endpoint + "/examplebucket/test%24file.text", {},
                  std::span<const std::byte>(reinterpret_cast<const std::byte*>(kBody.data()), kBody.size())};
  if (with_md5) req.headers.emplace_back("Content-MD5", "m6TQ6Ypi5prKSNYAGy6ZSw==");
  EXPECT_TRUE(http.signer(req).ok());
  for (const auto& [k, v] : req.headers) {
    if (k == "x-amz-content-sha256") return v;
  }
  return "(none)";
}

TEST(S3Signer, UploadsSignTheBodyHashUnlessTlsAndContentMd5ProtectIt) {
  // SHA-256 of "Welcome to Amazon S3." (the S3 SigV4 documentation's PUT example).
  const std::string welcome = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
  EXPECT_EQ(PayloadHashHeader("http://127.0.0.1:9000", true), welcome);
  EXPECT_EQ(PayloadHashHeader("http://127.0.0.1:9000", false), welcome);
  EXPECT_EQ(PayloadHashHeader("https://s3.cern.ch", false), welcome);
  EXPECT_EQ(PayloadHashHeader("https://s3.cern.ch", true), "UNSIGNED-PAYLOAD");
}

TEST(DescribeS3Error, CodeAndMessageFromTheXmlBody) {
  HttpResponse r;
  r.status = 403;
  std::string xml =
      "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code><Message>The &quot;sig&quot; "
      "differs</Message><RequestId>tx1</RequestId></Error>";
  for (char ch : xml) r.body.push_back(static_cast<std::byte>(ch));
  EXPECT_EQ(DescribeS3Error(r), "SignatureDoesNotMatch: The \"sig\" differs");
  r.body.clear();
  EXPECT_EQ(DescribeS3Error(r), "");
}

}  // namespace
}  // namespace arrowroot::byte_source
