// One HTTP exchange: a request in, a status, headers and body out. The interface the HTTP
// client (http_client.h) performs its requests through, so that the retry loop, the status
// mapping and the Range source above it are tested with a fake (cpp/testing/
// fake_http_transport.h) and run with libcurl (curl_transport.h).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "arrowroot/common/bytes.h"
#include "arrowroot/common/status.h"

namespace arrowroot::byte_source {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  HttpRequest() = default;
  HttpRequest(std::string m, std::string u, HttpHeaders h = {}, std::span<const std::byte> b = {})
      : method(std::move(m)), url(std::move(u)), headers(std::move(h)), body(b) {}
  std::string method = "GET";
  std::string url;      ///< absolute, already percent-encoded
  HttpHeaders headers;  ///< besides those the transport adds (Host, User-Agent)
  /// The request body (PUT, POST), not owned: it must outlive Perform. Empty = no body.
  std::span<const std::byte> body;
  /// Follow 3xx redirects (EOS and XRootD HTTP gateways redirect reads to a disk server). The
  /// client turns this off for signed requests: their signature covers the host.
  bool follow_redirects = true;
};

struct HttpResponse {
  long status = 0;
  HttpHeaders headers;  ///< names lower-cased, in arrival order
  Bytes body;
  /// The last value of header `name` (lower case), or "".
  std::string Header(std::string_view name) const;
  /// The body as text (XML and JSON answers).
  std::string BodyText() const;
};

/// What a network transport is configured with (HttpOptions, http_client.h, carries these).
struct HttpTransportOptions {
  int64_t connect_timeout_ms = 10'000;
  /// Abort a transfer that moves under 1 byte/s for this long (then it is retried).
  int64_t low_speed_timeout_s = 30;
  /// CA bundle for TLS; empty = $AWS_CA_BUNDLE, else $SSL_CERT_FILE, else the system store.
  std::string ca_bundle;
  /// TLS peer and host verification; only a test against a self-signed server turns it off.
  bool verify_tls = true;
};

/// Performs single requests: no retries, no judgement of the status (that is the client's).
///
/// Thread safety: Perform may be called from many threads at once.
/// Errors: a transfer that fails (connection refused or reset, timeout, TLS, DNS) is an IOError
/// whose message says what went wrong, without the URL (the caller adds it), and whose
/// `retryable` bit says whether trying again may help. Any HTTP status is a response.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual Result<HttpResponse> Perform(const HttpRequest& request) const = 0;
};

/// "bytes 0-65535/1234567" → (first, last, total); "bytes */1234" (the answer to an
/// unsatisfiable range) gives first > last. False for anything else (also an unknown "*" total).
bool ParseContentRange(const std::string& value, uint64_t* first, uint64_t* last, int64_t* total);

/// For a 206 whose body length differs from its Content-Range (the transfer was cut or the
/// server sent a wrong Content-Length): the number of bytes the Content-Range promised; else 0.
/// Such a response is a damaged transfer, retried like a cut one, and its connection is not
/// reused (it may hold the rest of the bad response).
uint64_t DamagedPartialLength(const HttpResponse& response);

}  // namespace arrowroot::byte_source
