#include "arrowroot/byte_source/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>

namespace arrowroot::byte_source {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

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
    t->response->headers.emplace_back(Lower(line.substr(0, colon)), Trim(line.substr(colon + 1)));
  }
  return n;
}

std::string CaBundle(const HttpOptions& o) {
  if (!o.ca_bundle.empty()) return o.ca_bundle;
  for (const char* var : {"AWS_CA_BUNDLE", "SSL_CERT_FILE"}) {
    const char* v = std::getenv(var);
    if (v && *v) return v;
  }
  return {};
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  std::string found;
  for (const auto& [k, v] : headers) {
    if (k == name) found = v;
  }
  return found;
}

std::string RedactUrl(const std::string& url) {
  std::string out = url.substr(0, url.find_first_of("?#"));
  // Drop "user:password@" from the authority.
  auto scheme = out.find("://");
  if (scheme != std::string::npos) {
    auto host_start = scheme + 3;
    auto path_start = out.find('/', host_start);
    auto at = out.rfind('@', path_start == std::string::npos ? out.size() : path_start);
    if (at != std::string::npos && at >= host_start) out.erase(host_start, at + 1 - host_start);
  }
  return out;
}

// ---- HttpClient ----

struct HttpClient::Pool {
  std::mutex mu;
  std::vector<CURL*> idle;
  ~Pool() {
    for (CURL* h : idle) curl_easy_cleanup(h);
  }
  CURL* Take() {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!idle.empty()) {
        CURL* h = idle.back();
        idle.pop_back();
        return h;
      }
    }
    return curl_easy_init();
  }
  void Give(CURL* h) {
    std::lock_guard<std::mutex> lock(mu);
    idle.push_back(h);
  }
};

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)), pool_(std::make_unique<Pool>()) {
  GlobalInit();
}

HttpClient::~HttpClient() = default;

namespace {

bool ParseContentRange(const std::string& v, uint64_t* first, uint64_t* last, int64_t* total);

/// One attempt. A transport failure is an IOError marked retryable (timeouts, resets, DNS
/// hiccups) or not (TLS verification, unsupported protocol, malformed URL).
Result<HttpResponse> PerformOnce(CURL* h, const HttpRequest& request, const HttpOptions& o,
                                 const std::string& what) {
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
    for (const auto& kv : request.headers) has_type = has_type || Lower(kv.first) == "content-type";
    if (!has_type) headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
  }
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  // Plain HTTP follows redirects (EOS and XRootD HTTP gateways redirect reads to a disk
  // server); a signed S3 request does not, since its signature covers the host.
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, o.signer ? 0L : 1L);
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
  if (rc != CURLE_OK) {
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
    return Status::IOError(what + ": " + detail + hint, retryable);
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  if (response.status == 206) {
    // A Content-Length that disagrees with Content-Range (curl reads only Content-Length
    // bytes): a damaged transfer, worth another try like a cut one.
    uint64_t first = 0, last = 0;
    int64_t total = -1;
    if (ParseContentRange(response.Header("content-range"), &first, &last, &total) &&
        last >= first && response.body.size() != last - first + 1) {
      return Status::IOError(what + ": received " + std::to_string(response.body.size()) +
                                 " of the " + std::to_string(last - first + 1) +
                                 " bytes in Content-Range; the response was damaged",
                             true);
    }
  }
  return response;
}

}  // namespace

Result<HttpResponse> HttpClient::Perform(const HttpRequest& request, SourceStats* stats) const {
  std::string what = request.method + " " + RedactUrl(request.url);
  for (const auto& [k, v] : request.headers) {
    if (Lower(k) == "range") what += " " + v;  // "bytes=first-last": which part failed
  }
  const auto start = std::chrono::steady_clock::now();
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const RetryPolicy& policy = options_.retry;
  Status last = Status::OK();
  for (int attempt = 1;; ++attempt) {
    HttpRequest signed_request = request;
    if (options_.signer) RETURN_IF_ERROR(options_.signer(signed_request));
    CURL* h = pool_->Take();
    if (!h) return Status::IOError(what + ": cannot create a curl handle");
    const auto t0 = std::chrono::steady_clock::now();
    auto r = PerformOnce(h, signed_request, options_, what);
    const auto t1 = std::chrono::steady_clock::now();
    // A failed transfer's connection may hold the rest of a bad response (bytes past a wrong
    // Content-Length) that the next request would read as its answer: never reuse it.
    if (r.ok()) {
      pool_->Give(h);
    } else {
      curl_easy_cleanup(h);
    }
    std::optional<int64_t> retry_after;
    if (stats) {
      stats->num_requests.fetch_add(1, std::memory_order_relaxed);
      stats->io_wall_ns.fetch_add(
          static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()),
          std::memory_order_relaxed);
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
  const std::string request_id = response.Header("x-amz-request-id");
  if (!request_id.empty()) detail += " (request id " + request_id + ")";
  const long s = response.status;
  if (s == 404 || s == 410) {
    const bool s3 = what.find("s3://") != std::string::npos;
    return Status::NotFound(what + ": " + detail +
                            (s3 ? "; check the bucket and the key" : "; check the URL"));
  }
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

// ---- the byte source ----

namespace {

/// "bytes 0-65535/1234567" → (first, last, total); total may be "*" (unknown → -1).
bool ParseContentRange(const std::string& v, uint64_t* first, uint64_t* last, int64_t* total) {
  unsigned long long a = 0, b = 0, t = 0;
  if (std::sscanf(v.c_str(), "bytes %llu-%llu/%llu", &a, &b, &t) == 3) {
    *first = a;
    *last = b;
    *total = static_cast<int64_t>(t);
    return true;
  }
  if (std::sscanf(v.c_str(), "bytes */%llu", &t) == 1) {
    *first = 1;
    *last = 0;
    *total = static_cast<int64_t>(t);
    return true;
  }
  return false;
}

class HttpSource final : public ByteSource {
 public:
  HttpSource(std::string url, HttpOptions options)
      : url_(std::move(url)),
        name_(options.display_name.empty() ? RedactUrl(url_) : options.display_name),
        client_(std::move(options)) {}

  uint64_t size() const override { return size_; }
  const std::string& name() const override { return name_; }
  bool is_remote() const override { return true; }
  std::string etag() const override { return etag_; }

  bool HasInMemory(uint64_t offset, uint64_t length) const override {
    if (offset > size_ || length > size_ - offset) return false;
    return CopyFromMemory(offset, length, nullptr);
  }

  Status Open() {
    const auto& o = client_.options();
    const uint64_t head = std::max<uint64_t>(o.head_bytes, 1);
    HttpRequest req{"GET", url_, {{"Range", "bytes=0-" + std::to_string(head - 1)}}};
    ASSIGN_OR_RETURN(HttpResponse r, client_.Perform(req, &stats_));
    if (r.status == 200) {
      // The server ignored Range and sent the whole object.
      RETURN_IF_ERROR(CheckLength(r, r.body.size()));
      etag_ = r.Header("etag");
      size_ = r.body.size();
      whole_ = std::make_shared<Bytes>(std::move(r.body));
      stats_.num_full_downloads.fetch_add(1, std::memory_order_relaxed);
      return Status::OK();
    }
    if (r.status == 416) {
      uint64_t a, b;
      int64_t total = -1;
      if (ParseContentRange(r.Header("content-range"), &a, &b, &total) && total == 0) {
        size_ = 0;  // an empty object
        return Status::OK();
      }
    }
    if (r.status != 206) return HttpErrorStatus(r, "GET " + name_, o);
    uint64_t first = 0, last = 0;
    int64_t total = -1;
    if (!ParseContentRange(r.Header("content-range"), &first, &last, &total) || total < 0 ||
        first != 0) {
      return Status::IOError("GET " + name_ + " [0x0,+" + std::to_string(head) +
                             "): the server answered 206 with Content-Range '" +
                             r.Header("content-range") + "', which does not give the size");
    }
    size_ = static_cast<uint64_t>(total);
    const uint64_t expect = std::min<uint64_t>(head, size_);
    if (r.body.size() != expect || last + 1 != expect) {
      return Status::IOError("GET " + name_ + " " + FormatRange(0, expect) + ": received " +
                             std::to_string(r.body.size()) + " bytes; the connection may have " +
                             "been cut, try again");
    }
    etag_ = r.Header("etag");
    head_ = std::move(r.body);
    // The tail: keys, streamer infos and (usually) the trees' metadata sit at the end.
    if (o.tail_bytes > 0 && size_ > head_.size()) {
      const uint64_t start = std::max<uint64_t>(head_.size(), size_ - std::min(size_, o.tail_bytes));
      ASSIGN_OR_RETURN(Bytes tail, Fetch(start, size_ - start));
      tail_start_ = start;
      tail_ = std::move(tail);
    }
    return Status::OK();
  }

  Status ReadAt(uint64_t offset, std::span<std::byte> out) const override {
    RETURN_IF_ERROR(CheckRange(offset, out.size()));
    stats_.num_bytes_read.fetch_add(out.size(), std::memory_order_relaxed);
    if (out.empty()) return Status::OK();
    if (CopyFromMemory(offset, out.size(), out.data())) return Status::OK();
    ASSIGN_OR_RETURN(Bytes got, Fetch(offset, out.size()));
    if (auto whole = Whole()) {  // the server stopped honouring Range mid-read
      std::memcpy(out.data(), whole->data() + offset, out.size());
      return Status::OK();
    }
    std::memcpy(out.data(), got.data(), out.size());
    return Status::OK();
  }

 private:
  /// Serve [offset, +length) (inside the object) from the whole-object download or the
  /// speculative head and tail reads, copying into `dst` unless it is null; false if a
  /// request is needed.
  bool CopyFromMemory(uint64_t offset, uint64_t length, std::byte* dst) const {
    auto copy = [&](const std::byte* src, size_t n, size_t at) {
      if (dst != nullptr && n != 0) std::memcpy(dst + at, src, n);
    };
    if (auto whole = Whole()) {
      copy(whole->data() + offset, length, 0);
      return true;
    }
    if (offset + length <= head_.size()) {
      copy(head_.data() + offset, length, 0);
      return true;
    }
    if (tail_.empty()) return false;
    if (offset >= tail_start_) {
      copy(tail_.data() + (offset - tail_start_), length, 0);
      return true;
    }
    if (tail_start_ <= head_.size()) {
      // Head and tail together hold the whole object (a small file); the range spans both.
      const size_t from_head = head_.size() - offset;
      copy(head_.data() + offset, from_head, 0);
      copy(tail_.data() + (head_.size() - tail_start_), length - from_head, from_head);
      return true;
    }
    return false;
  }

  std::shared_ptr<const Bytes> Whole() const {
    std::lock_guard<std::mutex> lock(mu_);
    return whole_;
  }

  Status CheckLength(const HttpResponse& r, uint64_t got) const {
    const std::string cl = r.Header("content-length");
    if (!cl.empty() && std::strtoull(cl.c_str(), nullptr, 10) != got) {
      return Status::IOError("GET " + name_ + ": Content-Length is " + cl + " but " +
                             std::to_string(got) + " bytes arrived; the connection may have " +
                             "been cut, try again", true);
    }
    return Status::OK();
  }

  Status CheckEtag(const HttpResponse& r, const std::string& what) const {
    const std::string etag = r.Header("etag");
    if (!etag_.empty() && !etag.empty() && etag != etag_) {
      return Status::IOError(what + ": the object changed while it was being read (ETag " + etag_ +
                                 " became " + etag + "); open it again",
                             false);
    }
    return Status::OK();
  }

  /// GET [offset, +length): exactly those bytes, or the whole object if the server ignores Range
  /// (then cached in whole_ and an empty result returned).
  Result<Bytes> Fetch(uint64_t offset, uint64_t length) const {
    const std::string what = "GET " + name_ + " " + FormatRange(offset, length);
    HttpRequest req{"GET", url_,
                    {{"Range", "bytes=" + std::to_string(offset) + "-" +
                                   std::to_string(offset + length - 1)}}};
    ASSIGN_OR_RETURN(HttpResponse r, client_.Perform(req, &stats_));
    if (r.status == 200) {
      RETURN_IF_ERROR(CheckEtag(r, what));
      RETURN_IF_ERROR(CheckLength(r, r.body.size()));
      if (r.body.size() != size_) {
        return Status::IOError(what + ": the server ignored Range and sent " +
                                   std::to_string(r.body.size()) + " bytes of an object of " +
                                   std::to_string(size_) + "; it changed while being read",
                               false);
      }
      stats_.num_full_downloads.fetch_add(1, std::memory_order_relaxed);
      std::lock_guard<std::mutex> lock(mu_);
      if (!whole_) whole_ = std::make_shared<Bytes>(std::move(r.body));
      return Bytes{};
    }
    if (r.status != 206) return HttpErrorStatus(r, what, client_.options());
    RETURN_IF_ERROR(CheckEtag(r, what));
    uint64_t first = 0, last = 0;
    int64_t total = -1;
    if (!ParseContentRange(r.Header("content-range"), &first, &last, &total) || first != offset ||
        last + 1 != offset + length) {
      return Status::IOError(what + ": the server answered with Content-Range '" +
                             r.Header("content-range") + "' instead of the range asked for");
    }
    if (total >= 0 && static_cast<uint64_t>(total) != size_) {
      return Status::IOError(what + ": the object's size changed from " + std::to_string(size_) +
                                 " to " + std::to_string(total) + " bytes while it was being read; open it again",
                             false);
    }
    if (r.body.size() != length) {
      return Status::IOError(what + ": received " + std::to_string(r.body.size()) +
                                 " bytes; the connection may have been cut, try again",
                             true);
    }
    return std::move(r.body);
  }

  std::string url_;
  std::string name_;
  HttpClient client_;
  uint64_t size_ = 0;
  std::string etag_;
  Bytes head_;
  Bytes tail_;
  uint64_t tail_start_ = 0;
  mutable std::mutex mu_;
  mutable std::shared_ptr<const Bytes> whole_;
};

}  // namespace

Result<std::shared_ptr<ByteSource>> OpenHttpSource(const std::string& url, HttpOptions options) {
  auto source = std::make_shared<HttpSource>(url, std::move(options));
  RETURN_IF_ERROR(source->Open());
  return std::shared_ptr<ByteSource>(std::move(source));
}

}  // namespace arrowroot::byte_source
