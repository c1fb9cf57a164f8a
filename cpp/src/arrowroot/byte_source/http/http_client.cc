#include "arrowroot/byte_source/http/http_client.h"

#include <chrono>
#include <random>
#include <thread>

#include "arrowroot/byte_source/http/curl_transport.h"
#include "arrowroot/byte_source/url.h"
#include "arrowroot/common/text.h"

namespace arrowroot::byte_source {

namespace {

uint64_t Nanoseconds(std::chrono::steady_clock::duration d) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
}

/// One attempt: the transport's answer, with a transfer error or a damaged 206 turned into an
/// IOError that names the request.
Result<HttpResponse> Attempt(const HttpTransport& transport, const HttpRequest& request,
                             const std::string& what) {
  auto r = transport.Perform(request);
  if (!r.ok()) return Status::IOError(what + ": " + r.status().message(), r.status().retryable());
  // A Content-Length that disagrees with Content-Range (curl reads only Content-Length
  // bytes): a damaged transfer, worth another try like a cut one.
  if (const uint64_t promised = DamagedPartialLength(*r)) {
    return Status::IOError(what + ": received " + std::to_string(r->body.size()) + " of the " +
                               std::to_string(promised) +
                               " bytes in Content-Range; the response was damaged",
                           true);
  }
  return r;
}

}  // namespace

HttpClient::HttpClient(HttpOptions options)
    : options_(std::move(options)),
      transport_(options_.transport ? options_.transport : MakeCurlTransport(options_)) {}

Result<HttpResponse> HttpClient::Perform(const HttpRequest& request, SourceStats* stats) const {
  std::string what = request.method + " " + RedactUrl(request.url);
  for (const auto& [k, v] : request.headers) {
    if (AsciiLower(k) == "range") what += " " + v;  // "bytes=first-last": which part failed
  }
  const auto start = std::chrono::steady_clock::now();
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const RetryPolicy& policy = options_.retry;
  Status last = Status::OK();
  for (int attempt = 1;; ++attempt) {
    HttpRequest signed_request = request;
    if (options_.signer) {
      RETURN_IF_ERROR(options_.signer(signed_request));
      signed_request.follow_redirects = false;  // the signature covers the host
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto r = Attempt(*transport_, signed_request, what);
    const auto t1 = std::chrono::steady_clock::now();
    std::optional<int64_t> retry_after;
    if (stats) {
      stats->num_requests.fetch_add(1, std::memory_order_relaxed);
      stats->io_wall_ns.fetch_add(Nanoseconds(t1 - t0), std::memory_order_relaxed);
    }
    if (r.ok()) {
      if (stats) stats->num_bytes_received.fetch_add(r->body.size(), std::memory_order_relaxed);
      if (!IsRetryableHttpStatus(r->status)) return r;
      const std::string ra = r->Header("retry-after");
      if (!ra.empty()) retry_after = ParseRetryAfterMs(ra, std::time(nullptr));
      last = HttpErrorStatus(*r, what, options_);
    } else {
      last = r.status();
      if (!last.retryable()) return last;
    }
    const int64_t elapsed_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(t1 - start).count();
    const int64_t wait_ms = BackoffMs(policy, attempt, unit(rng), retry_after);
    const bool out_of_tries = attempt >= policy.max_attempts;
    const bool out_of_time = policy.max_total_ms > 0 && elapsed_ms + wait_ms > policy.max_total_ms;
    if (out_of_tries || out_of_time) {
      return Status::IOError(last.message() + " (gave up after " + std::to_string(attempt) +
                                 (attempt == 1 ? " try" : " tries") + " in " +
                                 std::to_string(elapsed_ms) + " ms; try again later)",
                             true);
    }
    if (stats) stats->num_retries.fetch_add(1, std::memory_order_relaxed);
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
  }
}

Status HttpErrorStatus(const HttpResponse& response, const std::string& what,
                       const HttpOptions& options) {
  std::string detail = options.describe_error ? options.describe_error(response)
                                              : "HTTP " + std::to_string(response.status);
  if (!options.request_id_header.empty()) {
    const std::string request_id = response.Header(options.request_id_header);
    if (!request_id.empty()) detail += " (request id " + request_id + ")";
  }
  const long s = response.status;
  if (s == 404 || s == 410) return Status::NotFound(what + ": " + detail + "; " + options.not_found_hint);
  if (s == 401 || s == 403) {
    std::string skew;
    if (auto server = ParseHttpDate(response.Header("date"))) {
      const auto diff = static_cast<long long>(std::time(nullptr) - *server);
      if (diff > 60 || diff < -60) {
        skew = "; this machine's clock differs from the server's by " + std::to_string(diff) +
               " s: fix the clock";
      }
    }
    return Status::IOError(what + ": access denied, " + detail +
                               "; check the credentials (access key, secret, session token), "
                               "the region and the endpoint" +
                               skew,
                           false);
  }
  if (s == 416) {
    return Status::IOError(what + ": " + detail + " (range not satisfiable); the object is " +
                           "shorter than its header says, or was replaced", false);
  }
  return Status::IOError(what + ": " + detail, IsRetryableHttpStatus(s));
}

}  // namespace arrowroot::byte_source
