// The HTTP client every remote source uses: performs a request through an HttpTransport
// (libcurl unless a test supplies one), signs each attempt, retries transport errors and
// retryable statuses with backoff (the one retry loop; policy in retry.h), and maps final error
// statuses to a Status. Knows no storage protocol: S3 and WebHDFS supply a signer, an error
// describer, a not-found hint and the request-id header through HttpOptions.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/byte_source/http/http_transport.h"
#include "arrowroot/byte_source/http/retry.h"

namespace arrowroot::byte_source {

/// Adds authentication to a request just before each attempt (S3 SigV4: the date is part of
/// the signature, so every retry is signed anew).
using RequestSigner = std::function<Status(HttpRequest&)>;

/// Turns an error response (4xx/5xx) into a message fragment: S3 puts Code and Message in an
/// XML body. Default: "HTTP <status>".
using ErrorDescriber = std::function<std::string(const HttpResponse&)>;

/// Transport settings (HttpTransportOptions: timeouts, TLS) plus what the client and the HTTP
/// source do with them.
struct HttpOptions : HttpTransportOptions {
  RetryPolicy retry;
  /// Speculative reads when opening: the first and last bytes of the object, where ROOT keeps
  /// the header, the streamer infos, the top directory and usually the trees (0 = off).
  uint64_t head_bytes = 64 << 10;
  uint64_t tail_bytes = 512 << 10;
  RequestSigner signer;
  ErrorDescriber describe_error;
  /// The name in messages; default: the URL without its query string (never secrets).
  std::string display_name;
  /// What a 404 or 410 message tells the user to check.
  std::string not_found_hint = "check the URL";
  /// The response header holding the server's request id, quoted in error messages so that
  /// the operator can find the request in the server's logs ("" = none).
  std::string request_id_header;
  /// Performs the requests; null = libcurl (curl_transport.h) with the settings above.
  std::shared_ptr<HttpTransport> transport;
};

/// Performs requests with retries. Thread-safe (the transport is).
class HttpClient {
 public:
  /// No I/O.
  explicit HttpClient(HttpOptions options);
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Perform `request`, retrying transport errors and retryable statuses (retry.h) with
  /// backoff; any other status comes back as a response for the caller to judge. `stats`
  /// (optional) counts requests, retries, bytes received and wall time.
  Result<HttpResponse> Perform(const HttpRequest& request, SourceStats* stats) const;

  const HttpOptions& options() const { return options_; }

 private:
  HttpOptions options_;
  std::shared_ptr<HttpTransport> transport_;
};

/// Status for a final (non-2xx) response: 404 → NotFound, 403/401 → IOError about
/// credentials and clock skew (using the server's Date header), others → IOError.
Status HttpErrorStatus(const HttpResponse& response, const std::string& what,
                       const HttpOptions& options);

}  // namespace arrowroot::byte_source
