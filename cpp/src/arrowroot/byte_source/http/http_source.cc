#include "arrowroot/byte_source/http/http_source.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "arrowroot/byte_source/url.h"

namespace arrowroot::byte_source {

namespace {

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
