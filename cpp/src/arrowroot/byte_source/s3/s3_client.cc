#include "arrowroot/byte_source/s3/s3_client.h"

#include <algorithm>
#include <chrono>

#include "arrowroot/byte_source/s3/sigv4.h"
#include "arrowroot/byte_source/url.h"

namespace arrowroot::byte_source {

namespace {

/// SigV4-signs each attempt of a request to `config`'s endpoint.
RequestSigner MakeSigner(const S3Config& config) {
  if (config.anonymous) return {};
  return [config](HttpRequest& request) -> Status {
    std::string origin, host, rest;
    if (!SplitUrl(request.url, &origin, &host, &rest)) {
      return Status::InvalidArgument("cannot sign a request to a malformed URL");
    }
    sigv4::Request req;
    req.method = request.method;
    auto q = rest.find('?');
    req.path = rest.substr(0, q);
    if (q != std::string::npos) {
      std::string_view query(rest);
      query.remove_prefix(q + 1);
      while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view part = query.substr(0, amp);
        auto eq = part.find('=');
        std::string name, value;
        // A '%' that starts no valid escape is signed as it stands.
        PercentDecode(part.substr(0, eq), &name);
        if (eq != std::string_view::npos) PercentDecode(part.substr(eq + 1), &value);
        req.query.emplace_back(std::move(name), std::move(value));
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
      }
    }
    req.headers.emplace_back("Host", host);
    for (const auto& [k, v] : request.headers) req.headers.emplace_back(k, v);
    // Uploads over plain HTTP sign their body's hash (S3 then rejects a body altered on the
    // way). Over HTTPS, TLS protects the body and Content-MD5 lets S3 check it, so the hash pass
    // is skipped with UNSIGNED-PAYLOAD, as the AWS SDKs do for S3 over HTTPS (the signature then
    // covers the Content-MD5 header instead). See the SigV4 docs on x-amz-content-sha256.
    const bool https = origin.rfind("https://", 0) == 0;
    const bool has_md5 = std::any_of(request.headers.begin(), request.headers.end(),
                                     [](const auto& h) { return h.first == "Content-MD5"; });
    req.payload_sha256_hex =
        request.body.empty()   ? std::string(sigv4::kEmptyPayloadSha256)
        : https && has_md5     ? std::string(sigv4::kUnsignedPayload)
                               : sigv4::Sha256Hex(std::string_view(
                                     reinterpret_cast<const char*>(request.body.data()), request.body.size()));
    sigv4::SigningParams params;
    params.region = config.region;
    params.service = "s3";
    params.time = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    params.mode = sigv4::Mode::kS3;
    ASSIGN_OR_RETURN(sigv4::Signed s, sigv4::Sign(req, config.credentials, params));
    for (auto& h : s.headers_to_add) request.headers.push_back(std::move(h));
    return Status::OK();
  };
}

}  // namespace

HttpOptions S3HttpOptions(HttpOptions http, const S3Config& config, const std::string& display) {
  http.signer = MakeSigner(config);
  const std::string source = config.credentials_source;
  http.describe_error = [source](const HttpResponse& r) {
    std::string d = "HTTP " + std::to_string(r.status);
    std::string s3 = DescribeS3Error(r);
    if (!s3.empty()) d += " " + s3;
    if (r.status == 401 || r.status == 403) d += " (credentials: " + source + ")";
    return d;
  };
  http.display_name = display;
  http.not_found_hint = "check the bucket and the key";
  http.request_id_header = "x-amz-request-id";
  return http;
}

S3Client::S3Client(S3Config config, HttpOptions http, const std::string& display)
    : config_(std::move(config)), http_(S3HttpOptions(std::move(http), config_, display)) {}

Result<std::vector<S3ObjectInfo>> S3Client::ListObjects(const std::string& bucket,
                                                        const std::string& prefix,
                                                        const std::string& what,
                                                        SourceStats* stats) const {
  // A cap on pages (of up to 1000 keys each) against a server that never stops truncating.
  constexpr int kMaxPages = 100000;
  std::vector<S3ObjectInfo> out;
  std::string token;
  for (int page = 0; page < kMaxPages; ++page) {
    std::string url = S3BucketUrl(config_, bucket) + "?list-type=2&prefix=" + UriEncode(prefix, true);
    if (!token.empty()) url += "&continuation-token=" + UriEncode(token, true);
    ASSIGN_OR_RETURN(HttpResponse r, http_.Perform(HttpRequest{"GET", url, {}}, stats));
    if (r.status != 200) return HttpErrorStatus(r, what, http_.options());
    for (auto& o : ParseListObjects(r.BodyText(), &token)) out.push_back(std::move(o));
    if (token.empty()) break;
  }
  return out;
}

}  // namespace arrowroot::byte_source
