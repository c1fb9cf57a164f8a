// The S3 client the readers (s3_source.h) and the writer (s3_writer.h) share: the HTTP client
// set up to sign every request with SigV4 and to describe S3's errors, and the one
// ListObjectsV2 paging loop.
#pragma once

#include <string>
#include <vector>

#include "arrowroot/byte_source/http/http_client.h"
#include "arrowroot/byte_source/s3/s3_config.h"
#include "arrowroot/byte_source/s3/s3_url.h"
#include "arrowroot/byte_source/s3/s3_xml.h"

namespace arrowroot::byte_source {

/// `http` set up to sign every request to `config` with SigV4 (the body's SHA-256 is signed)
/// and to describe S3 error bodies (with the request id); `display` names the target in
/// messages.
HttpOptions S3HttpOptions(HttpOptions http, const S3Config& config, const std::string& display);

/// One S3 endpoint: its resolved configuration and a signing HTTP client. Thread-safe (the
/// HTTP client is); no I/O until a request.
class S3Client {
 public:
  /// `display` names the target in messages (S3HttpOptions).
  S3Client(S3Config config, HttpOptions http, const std::string& display);

  const S3Config& config() const { return config_; }
  const HttpClient& http() const { return http_; }

  /// Every object whose key starts with `prefix`, in the server's (key) order: ListObjectsV2,
  /// all pages. `what` names the listing in error messages; `stats` is optional.
  Result<std::vector<S3ObjectInfo>> ListObjects(const std::string& bucket, const std::string& prefix,
                                                const std::string& what, SourceStats* stats) const;

 private:
  S3Config config_;
  HttpClient http_;
};

}  // namespace arrowroot::byte_source
