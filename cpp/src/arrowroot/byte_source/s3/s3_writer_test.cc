#include "arrowroot/byte_source/s3/s3_writer.h"

#include <gtest/gtest.h>

namespace arrowroot::byte_source {
namespace {

constexpr uint64_t kMiB = 1 << 20;

std::span<const std::byte> B(const std::string& s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

TEST(PlanParts, SplitsIntoFullPartsAndAShorterLastOne) {
  auto p = PlanParts(12 * kMiB + 3, 5 * kMiB);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), 3u);
  EXPECT_EQ((*p)[0].number, 1);
  EXPECT_EQ((*p)[1].offset, 5 * kMiB);
  EXPECT_EQ((*p)[2].offset, 10 * kMiB);
  EXPECT_EQ((*p)[2].size, 2 * kMiB + 3);
  EXPECT_EQ((*p)[2].number, 3);
}

TEST(PlanParts, ExactMultipleHasNoEmptyTail) {
  auto p = PlanParts(10 * kMiB, 5 * kMiB);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[1].size, 5 * kMiB);
}

TEST(PlanParts, EmptyObjectIsOneEmptyPart) {
  auto p = PlanParts(0, 8 * kMiB);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->size(), 1u);
  EXPECT_EQ((*p)[0].size, 0u);
}

TEST(PlanParts, GrowsThePartSizeToStayWithin10000Parts) {
  const uint64_t size = 100000 * 5 * kMiB;  // 100000 parts of 5 MiB would be needed
  auto p = PlanParts(size, 5 * kMiB);
  ASSERT_TRUE(p.ok());
  EXPECT_LE(p->size(), 10000u);
  uint64_t total = 0;
  for (const auto& part : *p) {
    EXPECT_EQ(part.offset, total);
    EXPECT_EQ(part.size % kMiB, part.number == static_cast<int>(p->size()) ? part.size % kMiB : 0u);
    total += part.size;
  }
  EXPECT_EQ(total, size);
}

TEST(PlanParts, RejectsPartSizesOutsideS3Limits) {
  EXPECT_EQ(PlanParts(10, 4 * kMiB).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanParts(10, 6 * 1024 * kMiB).status().code(), StatusCode::kInvalidArgument);
}

TEST(Checksums, Md5Base64AndHexMatchKnownValues) {
  // RFC 1321 test vector: MD5("abc").
  const std::string raw = Md5Raw(B("abc"));
  EXPECT_EQ(Hex(raw), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Base64(raw), "kAFQmDzST7DWlj99KOF/cg==");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
}

TEST(Checksums, MultipartEtagIsMd5OfPartMd5sWithCount) {
  const std::string a = Md5Raw(B("abc")), b = Md5Raw(B("def"));
  EXPECT_EQ(ExpectedEtag({a}, false), Hex(a));
  EXPECT_EQ(ExpectedEtag({a, b}, true), Hex(Md5Raw(B(a + b))) + "-2");
  EXPECT_EQ(UnquoteEtag("\"abc-2\""), "abc-2");
  EXPECT_EQ(UnquoteEtag("abc"), "abc");
}

TEST(Checksums, Md5StreamInPiecesEqualsOneShot) {
  // RFC 1321 test suite: MD5("abc") and MD5 of the 80-digit string.
  Md5Stream abc;
  abc.Update(B("a"));
  abc.Update(B(""));
  abc.Update(B("bc"));
  EXPECT_EQ(Hex(abc.Finish()), "900150983cd24fb0d6963f7d28e17f72");
  std::string digits;
  for (int i = 0; i < 8; ++i) digits += "1234567890";
  Md5Stream d;
  for (size_t i = 0; i < digits.size(); i += 7) d.Update(B(digits.substr(i, 7)));
  const std::string streamed = d.Finish();
  EXPECT_EQ(Hex(streamed), "57edf4a22be3c955ac49da2e2107b67a");
  EXPECT_EQ(streamed, Md5Raw(B(digits)));
}

TEST(S3Xml, CompleteBodyListsPartsWithQuotedEtagsEscaped) {
  EXPECT_EQ(CompleteMultipartXml({{1, "\"e1\""}, {2, "\"e2\""}}),
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag>"
            "</Part><Part><PartNumber>2</PartNumber><ETag>&quot;e2&quot;</ETag></Part>"
            "</CompleteMultipartUpload>");
}

TEST(S3Xml, UploadIdFromInitiateResult) {
  auto id = ParseUploadId(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><InitiateMultipartUploadResult "
      "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>b</Bucket><Key>k</Key>"
      "<UploadId>2~abc&amp;def</UploadId></InitiateMultipartUploadResult>");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "2~abc&def");
  EXPECT_EQ(ParseUploadId("<Other/>").status().code(), StatusCode::kCorruption);
}

TEST(S3Xml, CompleteResultWithErrorIn200BodyIsAnError) {
  auto ok = ParseCompleteResult(
      "<CompleteMultipartUploadResult><Location>x</Location><Bucket>b</Bucket><Key>k</Key>"
      "<ETag>&quot;3858f62230ac3c915f300c664312c11f-9&quot;</ETag></CompleteMultipartUploadResult>");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, "3858f62230ac3c915f300c664312c11f-9");
  // Ceph RGW 16 leaves the ETag empty.
  auto rgw = ParseCompleteResult(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUploadResult xmlns=\"http://"
      "s3.amazonaws.com/doc/2006-03-01/\"><Location>http://h/b/k</Location><Bucket>b</Bucket>"
      "<Key>k</Key><ETag></ETag></CompleteMultipartUploadResult>");
  ASSERT_TRUE(rgw.ok());
  EXPECT_EQ(*rgw, "");
  EXPECT_EQ(ParseCompleteResult("<html>proxy error</html>").status().code(), StatusCode::kCorruption);
  auto bad = ParseCompleteResult(
      "<?xml version=\"1.0\"?>\n<Error><Code>InternalError</Code><Message>We encountered an "
      "internal error.</Message></Error>");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("InternalError"), std::string::npos);
}

TEST(S3Xml, ListObjectsPagesAndUploads) {
  std::string token;
  auto objects = ParseListObjects(
      "<ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>a/x.root</Key>"
      "<Size>123</Size><ETag>&quot;e1&quot;</ETag></Contents><Contents><Key>a/y.root</Key>"
      "<Size>0</Size><ETag>\"e2-3\"</ETag></Contents>"
      "<NextContinuationToken>tok/1</NextContinuationToken></ListBucketResult>",
      &token);
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0].key, "a/x.root");
  EXPECT_EQ(objects[0].size, 123u);
  EXPECT_EQ(objects[0].etag, "e1");
  EXPECT_EQ(objects[1].etag, "e2-3");
  EXPECT_EQ(token, "tok/1");
  ParseListObjects("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>", &token);
  EXPECT_EQ(token, "");
  auto uploads = ParseListUploads(
      "<ListMultipartUploadsResult><Upload><Key>k1</Key><UploadId>u1</UploadId></Upload>"
      "<Upload><Key>k2</Key><UploadId>u2</UploadId></Upload></ListMultipartUploadsResult>");
  ASSERT_EQ(uploads.size(), 2u);
  EXPECT_EQ(uploads[1].key, "k2");
  EXPECT_EQ(uploads[1].upload_id, "u2");
}

}  // namespace
}  // namespace arrowroot::byte_source
