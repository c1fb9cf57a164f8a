// A scripted HttpTransport for tests of the HTTP client and source: it serves one object the
// way a range-capable server does (206 with Content-Range and an ETag), and a test makes it
// misbehave: fail the next requests with a status or a transfer error, ignore Range, send
// short bodies or shorter ranges than asked, or replace the object (a new ETag).
//
// Thread-safe, as the interface requires; it records every request for the test to inspect.
#pragma once

#include <algorithm>
#include <cstdio>
#include <deque>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "arrowroot/byte_source/http/http_transport.h"

namespace arrowroot::testing {

class FakeHttpTransport final : public byte_source::HttpTransport {
 public:
  /// What one of the next requests gets instead of the object.
  struct Fault {
    long status = 0;  ///< answer with this status and an empty body (0 = fail the transfer)
    bool retryable = true;                 ///< for a transfer failure
    byte_source::HttpHeaders headers = {};  ///< sent with a status (Retry-After, a request id)
  };

  explicit FakeHttpTransport(std::string object, std::string etag = "\"v1\"")
      : object_(std::move(object)), etag_(std::move(etag)) {}

  /// The next `times` requests fail with `fault` (after those already queued).
  void Fail(const Fault& fault, int times = 1) {
    std::lock_guard<std::mutex> lock(mu_);
    for (int i = 0; i < times; ++i) faults_.push_back(fault);
  }
  void FailWithStatus(long status, int times = 1) { Fail(Fault{status}, times); }
  void FailTransfer(bool retryable, int times = 1) { Fail(Fault{0, retryable}, times); }

  /// Answer GETs with 200 and the whole object, as a server that ignores Range does.
  void set_ignore_range(bool ignore) {
    std::lock_guard<std::mutex> lock(mu_);
    ignore_range_ = ignore;
  }
  /// Cut this many bytes off the next `times` 206 bodies, Content-Range unchanged (a
  /// transfer cut short).
  void CutNextBodies(size_t bytes, int times = 1) {
    std::lock_guard<std::mutex> lock(mu_);
    cut_bytes_ = bytes;
    cuts_left_ = times;
  }
  /// Send at most this many bytes of any range, saying so in Content-Range (0 = no limit).
  void set_max_range_bytes(size_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    max_range_bytes_ = n;
  }
  /// Replace the object (another upload under the same name).
  void Replace(std::string object, std::string etag) {
    std::lock_guard<std::mutex> lock(mu_);
    object_ = std::move(object);
    etag_ = std::move(etag);
  }

  /// Every request performed so far, in order, as the transport received it (signed); their
  /// bodies are not kept alive.
  std::vector<byte_source::HttpRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  /// The Range header of each request ("" where there was none).
  std::vector<std::string> ranges() const {
    std::vector<std::string> out;
    for (const auto& r : requests()) {
      std::string range;
      for (const auto& [k, v] : r.headers) {
        if (k == "Range") range = v;
      }
      out.push_back(range);
    }
    return out;
  }
  size_t num_requests() const { return requests().size(); }

  Result<byte_source::HttpResponse> Perform(const byte_source::HttpRequest& request) const override {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    byte_source::HttpResponse r;
    if (!faults_.empty()) {
      const Fault f = faults_.front();
      faults_.pop_front();
      if (f.status == 0) return Status::IOError("Connection reset by peer", f.retryable);
      r.status = f.status;
      r.headers = f.headers;
      return r;
    }
    r.headers.emplace_back("etag", etag_);
    std::string range;
    for (const auto& [k, v] : request.headers) {
      if (k == "Range") range = v;
    }
    unsigned long long first = 0, last = 0;
    if (ignore_range_ || range.empty() ||
        std::sscanf(range.c_str(), "bytes=%llu-%llu", &first, &last) != 2) {
      r.status = 200;
      r.headers.emplace_back("content-length", std::to_string(object_.size()));
      Append(&r, object_);
      return r;
    }
    if (first >= object_.size()) {
      r.status = 416;
      r.headers.emplace_back("content-range", "bytes */" + std::to_string(object_.size()));
      return r;
    }
    last = std::min<unsigned long long>(last, object_.size() - 1);
    if (max_range_bytes_ > 0) last = std::min<unsigned long long>(last, first + max_range_bytes_ - 1);
    r.status = 206;
    r.headers.emplace_back("content-range", "bytes " + std::to_string(first) + "-" +
                                                std::to_string(last) + "/" +
                                                std::to_string(object_.size()));
    std::string body = object_.substr(first, last + 1 - first);
    if (cuts_left_ > 0) {
      --cuts_left_;
      body.resize(body.size() - std::min(cut_bytes_, body.size()));
    }
    Append(&r, body);
    return r;
  }

 private:
  static void Append(byte_source::HttpResponse* r, const std::string& bytes) {
    for (char c : bytes) r->body.push_back(static_cast<std::byte>(c));
  }

  mutable std::mutex mu_;
  std::string object_;
  std::string etag_;
  bool ignore_range_ = false;
  size_t cut_bytes_ = 0;
  mutable int cuts_left_ = 0;
  size_t max_range_bytes_ = 0;
  mutable std::deque<Fault> faults_;
  mutable std::vector<byte_source::HttpRequest> requests_;
};

}  // namespace arrowroot::testing
