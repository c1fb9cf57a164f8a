#include "arrowroot/byte_source/http/curl_transport.h"

#include <curl/curl.h>

#include <cstdlib>
#include <mutex>
#include <vector>

#include "arrowroot/common/text.h"

namespace arrowroot::byte_source {

namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  HttpResponse* response;
  uint64_t max_body_bytes;
  bool too_big = false;
};

size_t OnBody(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * nmemb;
  Bytes& body = t->response->body;
  if (body.size() + n > t->max_body_bytes) {
    t->too_big = true;
    return 0;  // abort: more than the object can hold
  }
  const auto* p = reinterpret_cast<const std::byte*>(data);
  body.insert(body.end(), p, p + n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * nmemb;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new response (after a redirect or 100-continue): forget the previous one's headers.
    t->response->headers.clear();
    return n;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->response->headers.emplace_back(AsciiLower(line.substr(0, colon)),
                                      TrimWhitespace(line.substr(colon + 1)));
  }
  return n;
}

std::string CaBundle(const HttpTransportOptions& o) {
  if (!o.ca_bundle.empty()) return o.ca_bundle;
  for (const char* var : {"AWS_CA_BUNDLE", "SSL_CERT_FILE"}) {
    const char* v = std::getenv(var);
    if (v && *v) return v;
  }
  return {};
}

/// A transfer failure: retryable (timeouts, resets, DNS hiccups) or not (TLS verification,
/// unsupported protocol, malformed URL), with a hint where we know the fix.
Status TransferError(CURLcode rc, const char* error) {
  std::string detail = error[0] ? error : curl_easy_strerror(rc);
  bool retryable = true;
  switch (rc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_WRITE_ERROR:
      retryable = false;
      break;
    default:
      break;
  }
  std::string hint;
  if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE) {
    hint = "; for a private CA set AWS_CA_BUNDLE or SSL_CERT_FILE to its bundle";
  } else if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST) {
    hint = "; is the endpoint right and reachable?";
  }
  return Status::IOError(detail + hint, retryable);
}

/// One request on handle `h`, which is reset first.
Result<HttpResponse> PerformOn(CURL* h, const HttpRequest& request, const HttpTransportOptions& o) {
  curl_easy_reset(h);
  HttpResponse response;
  Transfer transfer{&response, uint64_t{1} << 40};
  curl_slist* headers = nullptr;
  for (const auto& [k, v] : request.headers) {
    std::string line = k + ": " + v;
    headers = curl_slist_append(headers, line.c_str());
  }
  // Keep curl from adding "Expect: 100-continue" and an Accept header that signers do not see.
  headers = curl_slist_append(headers, "Accept:");
  headers = curl_slist_append(headers, "Expect:");
  if (request.method == "PUT" || request.method == "POST") {
    bool has_type = false;
    for (const auto& kv : request.headers) has_type = has_type || AsciiLower(kv.first) == "content-type";
    if (!has_type) headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
  }
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout_ms));
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(o.low_speed_timeout_s));
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_USERAGENT, "arrowroot/0.1");
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, o.verify_tls ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, o.verify_tls ? 2L : 0L);
  const std::string ca = CaBundle(o);
  if (!ca.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, ca.c_str());
  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "PUT" || request.method == "POST") {
      // The body is sent from memory (also when empty: Content-Length: 0).
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS,
                       request.body.empty() ? "" : reinterpret_cast<const char*>(request.body.data()));
    }
  }
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);

  CURLcode rc = curl_easy_perform(h);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) return TransferError(rc, error);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(HttpTransportOptions options) : options_(std::move(options)) { GlobalInit(); }
  ~CurlTransport() override {
    for (CURL* h : idle_) curl_easy_cleanup(h);
  }

  Result<HttpResponse> Perform(const HttpRequest& request) const override {
    CURL* h = Take();
    if (!h) return Status::IOError("cannot create a curl handle");
    auto r = PerformOn(h, request, options_);
    // A failed or damaged transfer's connection may hold the rest of a bad response (bytes
    // past a wrong Content-Length) that the next request would read as its answer: never
    // reuse it.
    if (r.ok() && DamagedPartialLength(*r) == 0) {
      Give(h);
    } else {
      curl_easy_cleanup(h);
    }
    return r;
  }

 private:
  CURL* Take() const {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        CURL* h = idle_.back();
        idle_.pop_back();
        return h;
      }
    }
    return curl_easy_init();
  }
  void Give(CURL* h) const {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(h);
  }

  HttpTransportOptions options_;
  mutable std::mutex mu_;
  mutable std::vector<CURL*> idle_;  // guarded by mu_
};

}  // namespace

std::shared_ptr<HttpTransport> MakeCurlTransport(HttpTransportOptions options) {
  return std::make_shared<CurlTransport>(std::move(options));
}

}  // namespace arrowroot::byte_source
