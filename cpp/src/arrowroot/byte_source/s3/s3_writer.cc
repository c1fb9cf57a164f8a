#include "arrowroot/byte_source/s3/s3_writer.h"

#include <openssl/evp.h>

#include <algorithm>

#include "arrowroot/byte_source/url.h"

namespace arrowroot::byte_source {

namespace {

std::span<const std::byte> AsBytes(const std::string& s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

}  // namespace

Result<std::vector<PartPlan>> PlanParts(uint64_t size, uint64_t part_size) {
  if (part_size < kS3MinPartSize || part_size > kS3MaxPartSize) {
    return Status::InvalidArgument("part size " + std::to_string(part_size) +
                                   " is outside S3's limits (5 MiB to 5 GiB)");
  }
  if (size > kS3MaxPartSize * 1024) {
    return Status::InvalidArgument("an object of " + std::to_string(size) +
                                   " bytes is larger than S3's limit of 5 TiB");
  }
  constexpr uint64_t kMiB = 1 << 20;
  while ((size + part_size - 1) / part_size > static_cast<uint64_t>(kS3MaxParts)) {
    part_size = (part_size * 2 + kMiB - 1) / kMiB * kMiB;
  }
  std::vector<PartPlan> parts;
  uint64_t offset = 0;
  int number = 1;
  do {
    const uint64_t n = std::min(part_size, size - offset);
    parts.push_back({number++, offset, n});
    offset += n;
  } while (offset < size);
  return parts;
}

std::string Md5Raw(std::span<const std::byte> data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_md5(), nullptr) != 1) return {};
  return std::string(reinterpret_cast<const char*>(md), len);
}

Md5Stream::Md5Stream() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ && EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_md5(), nullptr) != 1) {
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
    ctx_ = nullptr;
  }
}

Md5Stream::~Md5Stream() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void Md5Stream::Update(std::span<const std::byte> data) {
  if (ctx_ && EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size()) != 1) {
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
    ctx_ = nullptr;
  }
}

std::string Md5Stream::Finish() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // A failed context gives "", which matches no ETag: the check fails rather than passes.
  if (!ctx_ || EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), md, &len) != 1) return {};
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string Base64(std::string_view raw) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= raw.size(); i += 3) {
    uint32_t v = (uint8_t(raw[i]) << 16) | (uint8_t(raw[i + 1]) << 8) | uint8_t(raw[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  if (i < raw.size()) {
    uint32_t v = uint8_t(raw[i]) << 16;
    if (i + 1 < raw.size()) v |= uint8_t(raw[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < raw.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::string ExpectedEtag(const std::vector<std::string>& part_md5_raw, bool multipart) {
  if (!multipart) return part_md5_raw.empty() ? std::string() : Hex(part_md5_raw[0]);
  std::string all;
  for (const auto& m : part_md5_raw) all += m;
  return Hex(Md5Raw(AsBytes(all))) + "-" + std::to_string(part_md5_raw.size());
}

std::string CompleteMultipartXml(const std::vector<CompletedPart>& parts) {
  std::string xml = "<CompleteMultipartUpload>";
  for (const auto& p : parts) {
    std::string etag;
    for (char c : p.etag) etag += c == '"' ? std::string("&quot;") : std::string(1, c);
    xml += "<Part><PartNumber>" + std::to_string(p.number) + "</PartNumber><ETag>" + etag +
           "</ETag></Part>";
  }
  return xml + "</CompleteMultipartUpload>";
}

Result<std::string> ParseUploadId(const std::string& xml) {
  std::string id = S3XmlValue(xml, "UploadId");
  if (id.empty()) {
    return Status::Corruption("the answer to CreateMultipartUpload has no UploadId");
  }
  return id;
}

Result<std::string> ParseCompleteResult(const std::string& xml) {
  if (xml.find("<Error>") != std::string::npos) {
    return Status::IOError("CompleteMultipartUpload failed: " + S3XmlValue(xml, "Code") + ": " +
                               S3XmlValue(xml, "Message"),
                           false);
  }
  if (xml.find("CompleteMultipartUploadResult") == std::string::npos) {
    return Status::Corruption("the answer to CompleteMultipartUpload is not a result document");
  }
  // Ceph RGW 16 answers with an empty <ETag></ETag>: then "" (HEAD tells the ETag).
  return UnquoteEtag(S3XmlValue(xml, "ETag"));
}

std::vector<S3UploadInfo> ParseListUploads(const std::string& xml) {
  std::vector<S3UploadInfo> out;
  for (const std::string& u : S3XmlBlocks(xml, "Upload")) {
    out.push_back({S3XmlValue(u, "Key"), S3XmlValue(u, "UploadId")});
  }
  return out;
}

// ---- S3Writer ----

namespace {
// The Content-MD5 header: base64 of the body's MD5, computed unless the caller has it (the copy
// engine hashes every part once, for this header and for checking the ETag at the end).
std::string ContentMd5(std::span<const std::byte> body, std::string_view md5_raw) {
  return Base64(md5_raw.size() == 16 ? std::string(md5_raw) : Md5Raw(body));
}
}  // namespace

S3Writer::S3Writer(S3Config config, HttpOptions http)
    : client_(config, std::move(http), "S3 " + config.endpoint) {}

Result<std::unique_ptr<S3Writer>> S3Writer::Make(const S3Options& options, HttpOptions http) {
  ASSIGN_OR_RETURN(S3Config config, ResolveS3Config(options));
  http.head_bytes = 0;
  http.tail_bytes = 0;
  return std::make_unique<S3Writer>(std::move(config), std::move(http));
}

Result<std::optional<S3ObjectInfo>> S3Writer::Head(const S3Location& loc) const {
  ASSIGN_OR_RETURN(HttpResponse r,
                   http().Perform(HttpRequest{"HEAD", S3ObjectUrl(config(), loc), {}}, &stats_));
  if (r.status == 404) return std::optional<S3ObjectInfo>();
  if (r.status != 200) return HttpErrorStatus(r, "HEAD " + S3Url(loc), http().options());
  S3ObjectInfo info;
  info.key = loc.key;
  info.size = std::strtoull(r.Header("content-length").c_str(), nullptr, 10);
  info.etag = UnquoteEtag(r.Header("etag"));
  return std::optional<S3ObjectInfo>(std::move(info));
}

Result<std::string> S3Writer::PutObject(const S3Location& loc, std::span<const std::byte> body,
                                        std::string_view md5_raw) const {
  HttpRequest req{"PUT", S3ObjectUrl(config(), loc), {{"Content-MD5", ContentMd5(body, md5_raw)}}, body};
  ASSIGN_OR_RETURN(HttpResponse r, http().Perform(req, &stats_));
  if (r.status != 200) return HttpErrorStatus(r, "PUT " + S3Url(loc), http().options());
  return UnquoteEtag(r.Header("etag"));
}

Result<std::string> S3Writer::CreateMultipartUpload(const S3Location& loc) const {
  HttpRequest req{"POST", S3ObjectUrl(config(), loc) + "?uploads", {}};
  ASSIGN_OR_RETURN(HttpResponse r, http().Perform(req, &stats_));
  if (r.status != 200) {
    return HttpErrorStatus(r, "CreateMultipartUpload " + S3Url(loc), http().options());
  }
  return ParseUploadId(r.BodyText());
}

Result<std::string> S3Writer::UploadPart(const S3Location& loc, const std::string& upload_id,
                                         int number, std::span<const std::byte> body,
                                         std::string_view md5_raw) const {
  HttpRequest req{"PUT",
                  S3ObjectUrl(config(), loc) + "?partNumber=" + std::to_string(number) +
                      "&uploadId=" + UriEncode(upload_id, true),
                  {{"Content-MD5", ContentMd5(body, md5_raw)}},
                  body};
  ASSIGN_OR_RETURN(HttpResponse r, http().Perform(req, &stats_));
  if (r.status != 200) {
    return HttpErrorStatus(r, "UploadPart " + std::to_string(number) + " of " + S3Url(loc),
                           http().options());
  }
  std::string etag = r.Header("etag");
  if (etag.empty()) {
    return Status::IOError("UploadPart " + std::to_string(number) + " of " + S3Url(loc) +
                           ": the answer has no ETag");
  }
  return etag;
}

Result<std::string> S3Writer::CompleteMultipartUpload(const S3Location& loc,
                                                      const std::string& upload_id,
                                                      const std::vector<CompletedPart>& parts) const {
  const std::string xml = CompleteMultipartXml(parts);
  HttpRequest req{"POST",
                  S3ObjectUrl(config(), loc) + "?uploadId=" + UriEncode(upload_id, true),
                  {{"Content-Type", "application/xml"}},
                  AsBytes(xml)};
  ASSIGN_OR_RETURN(HttpResponse r, http().Perform(req, &stats_));
  if (r.status != 200) {
    return HttpErrorStatus(r, "CompleteMultipartUpload " + S3Url(loc), http().options());
  }
  auto etag = ParseCompleteResult(r.BodyText());
  if (!etag.ok()) return std::move(etag).status().AddContext(S3Url(loc));
  return etag;
}

Status S3Writer::AbortMultipartUpload(const S3Location& loc, const std::string& upload_id) const {
  HttpRequest req{"DELETE",
                  S3ObjectUrl(config(), loc) + "?uploadId=" + UriEncode(upload_id, true),
                  {}};
  ASSIGN_OR_RETURN(HttpResponse r, http().Perform(req, &stats_));
  if (r.status == 204 || r.status == 200 || r.status == 404) return Status::OK();
  return HttpErrorStatus(r, "AbortMultipartUpload " + S3Url(loc), http().options());
}

Status S3Writer::DeleteObject(const S3Location& loc) const {
  ASSIGN_OR_RETURN(HttpResponse r, http().Perform(HttpRequest{"DELETE", S3ObjectUrl(config(), loc), {}}, &stats_));
  if (r.status == 204 || r.status == 200 || r.status == 404) return Status::OK();
  return HttpErrorStatus(r, "DELETE " + S3Url(loc), http().options());
}

Result<std::vector<S3ObjectInfo>> S3Writer::List(const std::string& bucket,
                                                 const std::string& prefix) const {
  return client_.ListObjects(bucket, prefix, "listing s3://" + bucket + "/" + prefix, &stats_);
}

Result<std::vector<S3UploadInfo>> S3Writer::ListUploads(const std::string& bucket,
                                                        const std::string& prefix) const {
  std::string url = S3BucketUrl(config(), bucket) + "?uploads&prefix=" + UriEncode(prefix, true);
  ASSIGN_OR_RETURN(HttpResponse r, http().Perform(HttpRequest{"GET", url, {}}, &stats_));
  if (r.status != 200) {
    return HttpErrorStatus(r, "listing uploads in s3://" + bucket + "/" + prefix,
                           http().options());
  }
  return ParseListUploads(r.BodyText());
}

}  // namespace arrowroot::byte_source
