#include "arrowroot/copy/copy.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "arrowroot/byte_source/s3/s3_writer.h"
#include "arrowroot/byte_source/webhdfs.h"
#include "arrowroot/root_format/basket.h"
#include "arrowroot/root_format/root_file.h"

namespace arrowroot::copy {

namespace bs = byte_source;
namespace fs = std::filesystem;

Result<Verify> ParseVerify(const std::string& name) {
  if (name == "none") return Verify::kNone;
  if (name == "size") return Verify::kSize;
  if (name == "checksum") return Verify::kChecksum;
  if (name == "root") return Verify::kRoot;
  return Status::InvalidArgument("--verify must be none, size, checksum or root, not '" + name + "'");
}

Result<uint64_t> ParseSize(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  std::string unit = text.substr(i);
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  uint64_t mult = 0;
  if (unit.empty() || unit == "b") mult = 1;
  else if (unit == "k" || unit == "kb" || unit == "kib") mult = uint64_t{1} << 10;
  else if (unit == "m" || unit == "mb" || unit == "mib") mult = uint64_t{1} << 20;
  else if (unit == "g" || unit == "gb" || unit == "gib") mult = uint64_t{1} << 30;
  if (i == 0 || i > 12 || mult == 0) {
    return Status::InvalidArgument("'" + text + "' is not a size (use e.g. 8MiB, 64M or 16777216)");
  }
  const uint64_t n = std::stoull(text.substr(0, i));
  if (n > UINT64_MAX / mult) return Status::InvalidArgument("size '" + text + "' is too large");
  return n * mult;
}

namespace {

constexpr int kMaxJobs = 256;

bool HasWildcard(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

std::string Basename(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

bool IsHdfs(const std::string& scheme) {
  return scheme == "hdfs" || scheme == "webhdfs" || scheme == "swebhdfs";
}

/// One file to copy: where from, where to, what to call it.
struct Planned {
  std::string source;
  std::string rel;  ///< path under the source root ("a/b.root"), or the name
  std::string target;
  uint64_t size = 0;
  bool size_known = false;
};

bool Included(const std::string& include, const std::string& rel) {
  if (include.empty()) return true;
  return fnmatch(include.c_str(), rel.c_str(), 0) == 0 ||
         fnmatch(include.c_str(), Basename(rel).c_str(), 0) == 0;
}

/// Expand one SRC argument into files.
Status ExpandSource(const std::string& src, const CopyOptions& o, const bs::S3Writer* s3,
                    std::vector<Planned>* out) {
  const std::string scheme = bs::UrlScheme(src);
  if (HasWildcard(src)) {
    ASSIGN_OR_RETURN(auto files, bs::Glob(src, o.source));
    for (auto& f : files) out->push_back({f, Basename(f), "", 0, false});
    return Status::OK();
  }
  if (!o.recursive) {
    if (!src.empty() && src.back() == '/') {
      return Status::InvalidArgument("'" + bs::RedactUrl(src) +
                                     "' is a directory or prefix: add --recursive to copy what is under it");
    }
    if (scheme.empty() || scheme == "file") {
      const std::string path = scheme.empty() ? src : src.substr(7);
      std::error_code ec;
      if (fs::is_directory(path, ec)) {
        return Status::InvalidArgument("'" + src + "' is a directory: add --recursive to copy what is in it");
      }
    }
    out->push_back({src, Basename(src), "", 0, false});
    return Status::OK();
  }
  if (scheme.empty() || scheme == "file") {
    const std::string root = scheme.empty() ? src : src.substr(7);
    std::error_code ec;
    if (!fs::exists(root, ec)) return Status::NotFound("'" + src + "' does not exist");
    if (!fs::is_directory(root, ec)) {
      out->push_back({src, Basename(src), "", 0, false});
      return Status::OK();
    }
    std::vector<Planned> found;
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      const std::string rel = fs::relative(it->path(), root).generic_string();
      found.push_back({it->path().string(), rel, "", static_cast<uint64_t>(it->file_size()), true});
    }
    if (ec) return Status::IOError("cannot list '" + src + "': " + ec.message());
    std::sort(found.begin(), found.end(), [](auto& a, auto& b) { return a.rel < b.rel; });
    for (auto& f : found) out->push_back(std::move(f));
    return Status::OK();
  }
  if (scheme == "s3") {
    ASSIGN_OR_RETURN(bs::S3Location loc, bs::ParseS3Url(src));
    std::string prefix = loc.key;
    if (!prefix.empty() && prefix.back() != '/') prefix += '/';
    ASSIGN_OR_RETURN(auto objects, s3->List(loc.bucket, prefix));
    if (objects.empty() && !loc.key.empty()) {
      out->push_back({src, Basename(src), "", 0, false});  // an object, not a prefix
      return Status::OK();
    }
    for (auto& obj : objects) {
      if (obj.key.empty() || obj.key.back() == '/') continue;
      out->push_back({"s3://" + loc.bucket + "/" + obj.key, obj.key.substr(prefix.size()), "",
                      obj.size, true});
    }
    return Status::OK();
  }
  if (IsHdfs(scheme)) {
    ASSIGN_OR_RETURN(auto files, bs::ListWebHdfs(src, o.source.http));
    std::string root = src;
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    for (auto& [url, size] : files) {
      std::string rel = url.size() > root.size() && url.compare(0, root.size(), root) == 0
                            ? url.substr(root.size() + 1)
                            : Basename(url);
      out->push_back({url, rel, "", size, true});
    }
    return Status::OK();
  }
  if (scheme == "http" || scheme == "https") {
    out->push_back({src, Basename(src), "", 0, false});  // HTTP has no listing
    return Status::OK();
  }
  return Status::Unsupported("cannot copy from '" + scheme + "://' URLs");
}

// ---- the transfer of one file ----

struct FileJob {
  Planned plan;
  bool to_s3 = false;
  bs::S3Location loc;        // S3 target
  std::string tmp_path;      // local target, while writing
  int fd = -1;
  std::shared_ptr<bs::ByteSource> source;
  std::vector<bs::PartPlan> parts;
  size_t next_part = 0;
  size_t parts_done = 0;
  int in_flight = 0;
  bool single = false;  // one PUT
  std::string upload_id;
  std::vector<bs::CompletedPart> completed;
  std::vector<std::string> md5;  // raw, per part
  std::string final_etag;
  // An S3 source's ETag when it is a checksum of the bytes (see SourceChecksum).
  std::string source_md5;  // plain ETag: hex MD5 of the whole object
  std::string source_multipart_etag;  // "hex-N": MD5 of the N part MD5s
  Status error = Status::OK();
  FileResult result;
};

bool IsHexMd5(std::string_view s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

/// What an S3 source's ETag says about its bytes: S3 and Ceph RGW give the hex MD5 of the object
/// for a single PUT, and hex(MD5(MD5(part 1) ... MD5(part N))) + "-N" for a multipart upload
/// (AWS S3 docs, "Checking object integrity"; RGW rgw_op.cc). Objects encrypted with SSE-KMS/C
/// have other ETags; those and non-S3 sources give nothing.
void SourceChecksum(FileJob* job) {
  if (bs::UrlScheme(job->plan.source) != "s3" || !job->source) return;
  const std::string etag = bs::UnquoteEtag(job->source->etag());
  if (IsHexMd5(etag)) {
    job->source_md5 = etag;
  } else if (etag.size() > 34 && etag[32] == '-' && IsHexMd5(std::string_view(etag).substr(0, 32)) &&
             std::all_of(etag.begin() + 33, etag.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    job->source_multipart_etag = etag;
  }
}

/// The MD5 of a whole local file, read in order.
Result<std::string> FileMd5(const bs::ByteSource& src) {
  bs::Md5Stream md5;
  Bytes buf;
  constexpr uint64_t kBlock = uint64_t{8} << 20;
  for (uint64_t off = 0; off < src.size(); off += kBlock) {
    const uint64_t n = std::min(kBlock, src.size() - off);
    buf.resize(n);
    RETURN_IF_ERROR(src.ReadAt(off, std::span<std::byte>(buf.data(), n)));
    md5.Update(std::span<const std::byte>(buf.data(), n));
  }
  return md5.Finish();
}

class Engine {
 public:
  Engine(const CopyOptions& o, std::unique_ptr<bs::S3Writer> s3, std::vector<Planned> plan)
      : o_(o), s3_(std::move(s3)) {
    for (auto& p : plan) {
      auto job = std::make_unique<FileJob>();
      job->plan = std::move(p);
      job->result.source = bs::RedactUrl(job->plan.source);
      job->result.target = job->plan.target;
      bytes_total_ += job->plan.size;
      pending_.push_back(job.get());
      jobs_.push_back(std::move(job));
    }
  }

  CopySummary Run() {
    start_ = std::chrono::steady_clock::now();
    std::thread reporter;
    if (o_.on_progress) reporter = std::thread([this] { ReportLoop(); });
    const int n = std::clamp(o_.jobs, 1, kMaxJobs);
    std::vector<std::thread> workers;
    for (int i = 0; i < n; ++i) workers.emplace_back([this] { Work(); });
    for (auto& t : workers) t.join();
    {
      std::lock_guard<std::mutex> lock(mu_);
      finished_ = true;
    }
    report_cv_.notify_all();
    if (reporter.joinable()) reporter.join();
    CopySummary s;
    s.seconds = Elapsed();
    for (auto& j : jobs_) {
      s.files++;
      s.bytes += j->plan.size;
      if (j->result.state == "copied") {
        s.copied++;
        s.bytes_copied += j->plan.size;
      } else if (j->result.state == "skipped") {
        s.skipped++;
      } else {
        s.failed++;
      }
      s.results.push_back(j->result);
    }
    s.retries = retries_.load() + (s3_ ? s3_->stats().num_retries.load() : 0);
    s.mb_per_s = s.seconds > 0 ? s.bytes_copied / s.seconds / 1e6 : 0;
    if (o_.on_progress) o_.on_progress(Snapshot(true));
    return s;
  }

 private:
  double Elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

  Progress Snapshot(bool final) {
    Progress p;
    p.files_total = static_cast<int64_t>(jobs_.size());
    p.files_done = files_done_.load();
    p.bytes_total = bytes_total_.load();
    p.bytes_done = bytes_done_.load();
    p.seconds = Elapsed();
    p.final = final;
    return p;
  }

  void ReportLoop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!finished_) {
      report_cv_.wait_for(lock, std::chrono::milliseconds(std::max(50, o_.progress_interval_ms)));
      if (finished_) break;
      lock.unlock();
      o_.on_progress(Snapshot(false));
      lock.lock();
    }
  }

  void Work() {
    Bytes buffer;
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      // A part of a file in progress first (bounded memory), else start the next file.
      FileJob* job = nullptr;
      for (FileJob* a : active_) {
        if (a->error.ok() && a->next_part < a->parts.size()) {
          job = a;
          break;
        }
      }
      if (job) {
        const bs::PartPlan part = job->parts[job->next_part++];
        job->in_flight++;
        lock.unlock();
        Status st = DoPart(job, part, &buffer);
        lock.lock();
        job->in_flight--;
        job->parts_done++;
        if (!st.ok() && job->error.ok()) job->error = std::move(st);
        const bool all_done = job->parts_done == job->parts.size();
        const bool abandoned = !job->error.ok() && job->in_flight == 0;
        if (all_done || abandoned) {
          active_.erase(std::find(active_.begin(), active_.end(), job));
          lock.unlock();
          Finish(job);
          lock.lock();
          cv_.notify_all();
        }
        continue;
      }
      if (!pending_.empty()) {
        FileJob* next = pending_.front();
        pending_.pop_front();
        starting_++;
        lock.unlock();
        const bool has_parts = Start(next);
        lock.lock();
        starting_--;
        if (has_parts) active_.push_back(next);
        cv_.notify_all();
        continue;
      }
      if (active_.empty() && starting_ == 0) break;
      cv_.wait(lock);
    }
    cv_.notify_all();
  }

  void Done(FileJob* job, const std::string& state, Status error = Status::OK()) {
    job->result.state = state;
    job->result.bytes = job->plan.size;
    if (!error.ok()) job->result.error = error.ToString();
    if (job->source) retries_ += job->source->stats().num_retries.load();
    job->source.reset();
    files_done_++;
  }

  /// Open the source, check for --resume, plan the parts, start the upload. False when the
  /// file needs no parts (skipped, failed, or done).
  bool Start(FileJob* job) {
    auto opened = bs::OpenSource(job->plan.source, source_options());
    if (!opened.ok()) {
      Done(job, "failed", opened.status());
      return false;
    }
    job->source = *opened;
    const uint64_t size = job->source->size();
    if (!job->plan.size_known || job->plan.size != size) {
      bytes_total_ += size;
      bytes_total_ -= job->plan.size;
      job->plan.size = size;
    }
    auto parts = bs::PlanParts(size, o_.part_size);
    if (!parts.ok()) {
      Done(job, "failed", parts.status());
      return false;
    }
    job->parts = std::move(*parts);
    SourceChecksum(job);
    job->md5.assign(job->parts.size(), {});
    job->completed.assign(job->parts.size(), {});
    job->to_s3 = bs::UrlScheme(job->plan.target) == "s3";
    if (job->to_s3) {
      auto loc = bs::ParseS3Url(job->plan.target);
      if (!loc.ok()) {
        Done(job, "failed", loc.status());
        return false;
      }
      job->loc = *loc;
    }
    if (o_.resume) {
      auto same = AlreadyThere(job);
      if (!same.ok()) {
        Done(job, "failed", same.status());
        return false;
      }
      if (*same) {
        bytes_done_ += size;
        Done(job, "skipped");
        return false;
      }
    }
    Status st = Status::OK();
    if (job->to_s3) {
      job->single = job->parts.size() == 1;
      if (!job->single) {
        auto id = s3_->CreateMultipartUpload(job->loc);
        if (id.ok()) job->upload_id = *id; else st = id.status();
      }
    } else {
      st = OpenLocalTarget(job);
    }
    if (!st.ok()) {
      Done(job, "failed", st);
      return false;
    }
    return true;
  }

  bs::SourceOptions source_options() const {
    bs::SourceOptions so = o_.source;
    so.http.head_bytes = 1;  // no speculative reads: the copy reads everything in parts
    so.http.tail_bytes = 0;
    return so;
  }

  Status OpenLocalTarget(FileJob* job) {
    const fs::path target(job->plan.target);
    std::error_code ec;
    if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
    if (ec) return Status::IOError("cannot create directory '" + target.parent_path().string() + "': " + ec.message());
    job->tmp_path = (target.has_parent_path() ? target.parent_path().string() + "/" : std::string()) +
                    "." + target.filename().string() + ".arrowroot-tmp-" + std::to_string(::getpid());
    job->fd = ::open(job->tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (job->fd < 0) {
      return Status::IOError("cannot create '" + job->tmp_path + "': " + std::strerror(errno));
    }
    if (::ftruncate(job->fd, static_cast<off_t>(job->plan.size)) != 0) {
      return Status::IOError("cannot size '" + job->tmp_path + "': " + std::strerror(errno));
    }
    return Status::OK();
  }

  Status DoPart(FileJob* job, const bs::PartPlan& part, Bytes* buffer) {
    buffer->resize(part.size);
    std::span<std::byte> data(buffer->data(), part.size);
    RETURN_IF_ERROR(job->source->ReadAt(part.offset, data));
    // Uploads need each part's MD5 (Content-MD5, then the ETag check). A local copy of an S3
    // object whose ETag is its MD5 is checked by hashing the file once, in order, against it
    // (VerifyTarget); otherwise it is checked against the MD5s of the bytes received here.
    if (job->to_s3 || (o_.verify >= Verify::kChecksum && job->source_md5.empty())) {
      job->md5[part.number - 1] = bs::Md5Raw(data);
    }
    if (job->to_s3) {
      if (job->single) {
        ASSIGN_OR_RETURN(job->final_etag, s3_->PutObject(job->loc, data, job->md5[part.number - 1]));
      } else {
        ASSIGN_OR_RETURN(std::string etag, s3_->UploadPart(job->loc, job->upload_id, part.number, data,
                                                           job->md5[part.number - 1]));
        job->completed[part.number - 1] = {part.number, etag};
      }
    } else {
      uint64_t done = 0;
      while (done < part.size) {
        ssize_t n = ::pwrite(job->fd, data.data() + done, part.size - done,
                             static_cast<off_t>(part.offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return Status::IOError("cannot write '" + job->tmp_path + "': " + std::strerror(errno));
        done += static_cast<uint64_t>(n);
      }
    }
    bytes_done_ += part.size;
    return Status::OK();
  }

  /// Complete (or abort) the transfer, verify, and record the result.
  void Finish(FileJob* job) {
    Status st = job->error;
    if (job->to_s3) {
      if (!job->single) {
        if (st.ok()) {
          auto etag = s3_->CompleteMultipartUpload(job->loc, job->upload_id, job->completed);
          if (etag.ok()) job->final_etag = *etag; else st = etag.status();
        }
        if (!st.ok()) {
          // Nothing of a failed upload may become visible.
          Status abort = s3_->AbortMultipartUpload(job->loc, job->upload_id);
          if (!abort.ok()) st.AddContext("and aborting the upload failed too: " + abort.message());
        }
      }
      if (st.ok()) {
        st = VerifyTarget(job, job->plan.target);
        if (!st.ok() && o_.verify != Verify::kNone) {
          // A copy that fails its check does not stay: as a local copy never takes its name.
          Status del = s3_->DeleteObject(job->loc);
          st.AddContext(del.ok() ? std::string("the copy failed its check and was deleted")
                                 : "the copy failed its check, and deleting it failed too (" +
                                       del.message() + ")");
        }
      }
    } else {
      if (st.ok() && ::fsync(job->fd) != 0) st = Status::IOError("cannot flush '" + job->tmp_path + "'");
      ::close(job->fd);
      job->fd = -1;
      // Checked under the temporary name: a copy that fails its check never takes the target's.
      if (st.ok()) st = VerifyTarget(job, job->tmp_path);
      if (st.ok() && ::rename(job->tmp_path.c_str(), job->plan.target.c_str()) != 0) {
        st = Status::IOError("cannot rename '" + job->tmp_path + "' to '" + job->plan.target +
                             "': " + std::strerror(errno));
      }
      if (!st.ok()) ::unlink(job->tmp_path.c_str());
    }
    if (!st.ok()) {
      Done(job, "failed", std::move(st).AddContext("copying " + job->result.source + " to " + job->plan.target));
    } else {
      Done(job, "copied");
    }
  }

  std::string ExpectedEtag(const FileJob* job) const {
    return bs::ExpectedEtag(job->md5, !job->single);
  }

  /// Whether `md5s` (this copy's parts) give the S3 source's multipart ETag ("-N" included).
  /// Only a match is taken as proof (the same part sizes, e.g. an object uploaded with this
  /// part size); other part sizes give another ETag, so a mismatch proves nothing.
  static bool ProvenByMultipartEtag(const FileJob* job, const std::vector<std::string>& md5s) {
    const std::string& e = job->source_multipart_etag;
    return !e.empty() && bs::ExpectedEtag(md5s, /*multipart=*/true) == e;
  }

  /// Check the copy: `path` is where its bytes are now (a local copy's temporary name, or the
  /// S3 target); messages name the target.
  Status VerifyTarget(FileJob* job, const std::string& path) {
    if (o_.verify == Verify::kNone) return Status::OK();
    const std::string where = job->plan.target;
    if (job->to_s3) {
      ASSIGN_OR_RETURN(auto head, s3_->Head(job->loc));
      if (!head) return Status::IOError("verify: " + where + " is not there after the upload");
      if (head->size != job->plan.size) {
        return Status::IOError("verify: " + where + " has " + std::to_string(head->size) +
                               " bytes, the source " + std::to_string(job->plan.size));
      }
      if (o_.verify >= Verify::kChecksum) {
        const std::string expect = ExpectedEtag(job);
        if (head->etag != expect || (!job->final_etag.empty() && job->final_etag != expect)) {
          return Status::IOError("verify: " + where + " has ETag " + head->etag +
                                 ", the bytes read give " + expect);
        }
        // A one-part copy of an S3 object whose ETag is its MD5: the source's own checksum, end
        // to end. (A multipart source ETag is not compared: its part sizes may differ from ours.)
        if (!job->source_md5.empty() && job->single && job->source_md5 != expect) {
          return Status::IOError("verify: the bytes read from " + job->result.source +
                                 " have MD5 " + expect + ", the object's ETag is " + job->source_md5);
        }
      }
    } else {
      std::error_code ec;
      const uint64_t size = fs::file_size(path, ec);
      if (ec || size != job->plan.size) {
        return Status::IOError("verify: " + where + " has " + std::to_string(size) +
                               " bytes, the source " + std::to_string(job->plan.size));
      }
      if (o_.verify >= Verify::kChecksum) {
        if (!job->source_md5.empty()) {
          // The copy hashed once, in order, against the S3 object's own MD5: end to end.
          ASSIGN_OR_RETURN(auto local, bs::OpenLocalFile(path));
          ASSIGN_OR_RETURN(std::string md5, FileMd5(*local));
          if (bs::Hex(md5) != job->source_md5) {
            return Status::IOError("verify: " + where + " has MD5 " + bs::Hex(md5) + ", the ETag of " +
                                   job->result.source + " is " + job->source_md5 + ": the copy differs");
          }
        } else if (ProvenByMultipartEtag(job, job->md5)) {
          // The bytes received match the S3 object's multipart ETag (the same part sizes);
          // the file was written from exactly those buffers.
        } else {
          ASSIGN_OR_RETURN(auto local, bs::OpenLocalFile(path));
          ASSIGN_OR_RETURN(auto md5, PartMd5s(*local, job->parts));
          if (md5 != job->md5) return Status::IOError("verify: the bytes of " + where + " differ from the source's");
        }
      }
    }
    if (o_.verify >= Verify::kRoot) return VerifyRoot(path, where);
    return Status::OK();
  }

  /// Open the copy as a ROOT file; read every key's payload and every basket of every tree.
  Status VerifyRoot(const std::string& path, const std::string& where) {
    bs::SourceOptions so = o_.source;
    ASSIGN_OR_RETURN(auto source, bs::OpenSource(path, so));
    auto file = root_format::RootFile::Open(std::move(source));
    if (!file.ok()) return std::move(file).status().AddContext("verify root: " + where);
    ASSIGN_OR_RETURN(auto objects, (*file)->ListObjects());
    for (const auto& obj : objects) {
      const std::string& cls = obj.key.class_name;
      if (cls == "TDirectory" || cls == "TDirectoryFile") continue;
      auto payload = (*file)->ReadPayload(obj.key);
      if (!payload.ok()) return std::move(payload).status().AddContext("verify root: key " + obj.path);
      if (cls != "TTree" && cls != "TNtuple" && cls != "TNtupleD") continue;
      auto tree = (*file)->ReadTree(obj.path);
      if (!tree.ok()) return std::move(tree).status().AddContext("verify root: tree " + obj.path);
      for (const root_format::Branch* b : (*tree)->all_branches) {
        for (int32_t i = 0; i < b->write_basket && i < static_cast<int32_t>(b->basket_seek.size()); ++i) {
          const auto seek = static_cast<uint64_t>(b->basket_seek[i]);
          const auto n = static_cast<uint64_t>(b->basket_bytes[i]);
          auto raw = (*file)->source()->Read(ByteRange{seek, n});
          if (!raw.ok()) return std::move(raw).status().AddContext("verify root: basket of " + b->path);
          auto basket = root_format::DecodeBasketKey(std::move(*raw), seek, b->name);
          if (!basket.ok()) {
            return std::move(basket).status().AddContext("verify root: basket " + std::to_string(i) +
                                                         " of " + obj.path + "/" + b->path);
          }
        }
        for (const auto& e : b->embedded_baskets) {
          if (!e) continue;
          auto basket = root_format::ViewEmbeddedBasket(e);
          if (!basket.ok()) return std::move(basket).status().AddContext("verify root: " + b->path);
        }
      }
    }
    return Status::OK();
  }

  static Result<std::vector<std::string>> PartMd5s(const bs::ByteSource& src,
                                                  const std::vector<bs::PartPlan>& parts) {
    std::vector<std::string> out;
    Bytes buf;
    for (const auto& p : parts) {
      buf.resize(p.size);
      RETURN_IF_ERROR(src.ReadAt(p.offset, std::span<std::byte>(buf.data(), p.size)));
      out.push_back(bs::Md5Raw(std::span<const std::byte>(buf.data(), p.size)));
    }
    return out;
  }

  /// --resume: is the target there with the same size and checksum? (The source is read to
  /// compute its MD5s the way the target's ETag was made.) Also aborts uploads to the same key
  /// left by an interrupted run.
  Result<bool> AlreadyThere(FileJob* job) {
    const uint64_t size = job->source->size();
    if (job->to_s3) {
      ASSIGN_OR_RETURN(auto uploads, s3_->ListUploads(job->loc.bucket, job->loc.key));
      for (const auto& u : uploads) {
        if (u.key == job->loc.key) RETURN_IF_ERROR(s3_->AbortMultipartUpload(job->loc, u.upload_id));
      }
      ASSIGN_OR_RETURN(auto head, s3_->Head(job->loc));
      if (!head || head->size != size) return false;
      ASSIGN_OR_RETURN(auto md5, PartMd5s(*job->source, job->parts));
      return head->etag == bs::ExpectedEtag(md5, job->parts.size() > 1);
    }
    std::error_code ec;
    if (!fs::is_regular_file(job->plan.target, ec) || fs::file_size(job->plan.target, ec) != size) {
      return false;
    }
    ASSIGN_OR_RETURN(auto local, bs::OpenLocalFile(job->plan.target));
    if (!job->source_md5.empty()) {  // the S3 object's own MD5: no need to read it again
      ASSIGN_OR_RETURN(std::string md5, FileMd5(*local));
      return bs::Hex(md5) == job->source_md5;
    }
    ASSIGN_OR_RETURN(auto a, PartMd5s(*local, job->parts));
    if (ProvenByMultipartEtag(job, a)) return true;
    ASSIGN_OR_RETURN(auto b, PartMd5s(*job->source, job->parts));
    return a == b;
  }

  const CopyOptions& o_;
  std::unique_ptr<bs::S3Writer> s3_;
  std::vector<std::unique_ptr<FileJob>> jobs_;
  std::mutex mu_;
  std::condition_variable cv_, report_cv_;
  std::deque<FileJob*> pending_;
  std::vector<FileJob*> active_;
  int starting_ = 0;
  bool finished_ = false;
  std::atomic<uint64_t> bytes_total_{0}, bytes_done_{0}, retries_{0};
  std::atomic<int64_t> files_done_{0};
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

Result<CopySummary> Copy(const std::vector<std::string>& sources, const std::string& target,
                         const CopyOptions& options) {
  if (sources.empty()) return Status::InvalidArgument("nothing to copy: give at least one source");
  if (target.empty()) return Status::InvalidArgument("no target given");
  if (options.jobs < 1 || options.jobs > kMaxJobs) {
    return Status::InvalidArgument("--jobs must be between 1 and " + std::to_string(kMaxJobs));
  }
  RETURN_IF_ERROR(bs::PlanParts(0, options.part_size).status());
  const std::string tscheme = bs::UrlScheme(target);
  if (!tscheme.empty() && tscheme != "s3" && tscheme != "file") {
    return Status::Unsupported("cannot copy to '" + tscheme + "://': the target must be s3:// or a local path");
  }
  if (HasWildcard(target)) return Status::InvalidArgument("the target '" + target + "' has wildcards");
  bool need_s3 = tscheme == "s3";
  for (const auto& s : sources) need_s3 = need_s3 || bs::UrlScheme(s) == "s3";
  std::unique_ptr<bs::S3Writer> s3;
  if (need_s3) {
    ASSIGN_OR_RETURN(s3, bs::S3Writer::Make(options.source.s3, options.source.http));
  }
  if (tscheme == "s3") {
    ASSIGN_OR_RETURN(bs::S3Location loc, bs::ParseS3Url(target));
    (void)loc;
  }

  std::vector<Planned> plan;
  for (const auto& s : sources) {
    std::vector<Planned> found;
    RETURN_IF_ERROR(ExpandSource(s, options, s3.get(), &found));
    for (auto& f : found) {
      if (Included(options.include, f.rel)) plan.push_back(std::move(f));
    }
  }
  if (plan.empty()) {
    return Status::NotFound("no file to copy" +
                            (options.include.empty() ? std::string() : " matches --include '" + options.include + "'"));
  }
  // Target naming.
  std::string t = tscheme == "file" ? target.substr(7) : target;
  bool as_dir = plan.size() > 1 || options.recursive || t.back() == '/';
  if (tscheme == "s3") {
    ASSIGN_OR_RETURN(bs::S3Location loc, bs::ParseS3Url(t));
    if (loc.key.empty()) as_dir = true;
  } else {
    std::error_code ec;
    if (fs::is_directory(t, ec)) as_dir = true;
  }
  if (as_dir && t.back() != '/') t += '/';
  std::map<std::string, std::string> seen;
  for (auto& p : plan) {
    p.target = as_dir ? t + p.rel : t;
    auto [it, inserted] = seen.emplace(p.target, p.source);
    if (!inserted) {
      return Status::InvalidArgument("'" + bs::RedactUrl(it->second) + "' and '" + bs::RedactUrl(p.source) +
                                     "' would both be copied to '" + p.target + "'");
    }
  }
  if (options.dry_run) {
    CopySummary s;
    for (auto& p : plan) {
      if (!p.size_known) {
        bs::SourceOptions so = options.source;
        so.http.head_bytes = 1;
        so.http.tail_bytes = 0;
        ASSIGN_OR_RETURN(auto src, bs::OpenSource(p.source, so));
        p.size = src->size();
      }
      s.files++;
      s.bytes += p.size;
      s.results.push_back({bs::RedactUrl(p.source), p.target, p.size, "planned", ""});
    }
    return s;
  }
  Engine engine(options, std::move(s3), std::move(plan));
  return engine.Run();
}

}  // namespace arrowroot::copy
