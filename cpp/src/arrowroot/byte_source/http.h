// HTTP(S) byte source over libcurl: Range GETs on reused connections, retries in one place,
// the object's ETag pinned, speculative head and tail reads for the file's metadata. S3 is this
// source plus a request signer (s3.h).
#pragma once

#include <functional>
#include <span>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/byte_source/retry.h"

namespace arrowroot::byte_source {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  HttpRequest() = default;
  HttpRequest(std::string m, std::string u, HttpHeaders h = {}, std::span<const std::byte> b = {})
      : method(std::move(m)), url(std::move(u)), headers(std::move(h)), body(b) {}
  std::string method = "GET";
  std::string url;      ///< absolute, already percent-encoded
  HttpHeaders headers;  ///< besides those curl adds (Host, User-Agent, Accept)
  /// The request body (PUT, POST), not owned: it must outlive Perform. Empty = no body.
  std::span<const std::byte> body;
};

struct HttpResponse {
  long status = 0;
  HttpHeaders headers;  ///< names lower-cased, in arrival order
  Bytes body;
  /// The last value of header `name` (lower case), or "".
  std::string Header(std::string_view name) const;
};

/// Adds authentication to a request just before each attempt (S3 SigV4: the date is part of
/// the signature, so every retry is signed anew).
using RequestSigner = std::function<Status(HttpRequest&)>;

/// Turns an error response (4xx/5xx) into a message fragment: S3 puts Code and Message in an
/// XML body. Default: "HTTP <status>".
using ErrorDescriber = std::function<std::string(const HttpResponse&)>;

struct HttpOptions {
  int64_t connect_timeout_ms = 10'000;
  /// Abort a transfer that moves under 1 byte/s for this long (then it is retried).
  int64_t low_speed_timeout_s = 30;
  RetryPolicy retry;
  /// CA bundle for TLS; empty = $AWS_CA_BUNDLE, else $SSL_CERT_FILE, else the system store.
  std::string ca_bundle;
  /// TLS peer and host verification; only a test against a self-signed server turns it off.
  bool verify_tls = true;
  /// Speculative reads when opening: the first and last bytes of the object, where ROOT keeps
  /// the header, the streamer infos, the top directory and usually the trees (0 = off).
  uint64_t head_bytes = 64 << 10;
  uint64_t tail_bytes = 512 << 10;
  RequestSigner signer;
  ErrorDescriber describe_error;
  /// The name in messages; default: the URL without its query string (never secrets).
  std::string display_name;
};

/// A pool of libcurl handles (kept-alive connections) that performs requests with retries.
/// Thread-safe: each request borrows a handle.
class HttpClient {
 public:
  explicit HttpClient(HttpOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Perform `request`, retrying transport errors and retryable statuses (retry.h) with
  /// backoff; any other status comes back as a response for the caller to judge. `stats`
  /// (optional) counts requests, retries, bytes received and wall time.
  Result<HttpResponse> Perform(const HttpRequest& request, SourceStats* stats) const;

  const HttpOptions& options() const { return options_; }

 private:
  struct Pool;
  HttpOptions options_;
  std::unique_ptr<Pool> pool_;
};

/// Status for a final (non-2xx) response: 404 → NotFound, 403/401 → IOError about
/// credentials and clock skew (using the server's Date header), others → IOError.
Status HttpErrorStatus(const HttpResponse& response, const std::string& what,
                       const HttpOptions& options);

/// Open an http:// or https:// URL. Does the speculative head (and tail) read, learns the size
/// from Content-Range, pins the ETag. A server that ignores Range is detected (the object is
/// then downloaded once, whole, and counted in stats().num_full_downloads).
Result<std::shared_ptr<ByteSource>> OpenHttpSource(const std::string& url, HttpOptions options);

/// The URL without query string or userinfo, for messages.
std::string RedactUrl(const std::string& url);

}  // namespace arrowroot::byte_source
