// The worker pool: open each source, start its upload or temporary file, move its parts, then
// complete or abort, verify (verify.cc) and record the result.
#include "transfer/engine.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <thread>

namespace arrowroot::transfer::internal {

namespace bs = byte_source;
namespace fs = std::filesystem;

Engine::Engine(const CopyOptions& o, std::unique_ptr<bs::S3Writer> s3, std::vector<Planned> plan)
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

CopySummary Engine::Run() {
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

double Engine::Elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

Progress Engine::Snapshot(bool final) {
  Progress p;
  p.files_total = static_cast<int64_t>(jobs_.size());
  p.files_done = files_done_.load();
  p.bytes_total = bytes_total_.load();
  p.bytes_done = bytes_done_.load();
  p.seconds = Elapsed();
  p.final = final;
  return p;
}

void Engine::ReportLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!finished_) {
    report_cv_.wait_for(lock, std::chrono::milliseconds(std::max(50, o_.progress_interval_ms)));
    if (finished_) break;
    lock.unlock();
    o_.on_progress(Snapshot(false));
    lock.lock();
  }
}

void Engine::Work() {
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

void Engine::Done(FileJob* job, const std::string& state, Status error) {
  job->result.state = state;
  job->result.bytes = job->plan.size;
  if (!error.ok()) job->result.error = error.ToString();
  if (job->source) retries_ += job->source->stats().num_retries.load();
  job->source.reset();
  files_done_++;
}

bool Engine::Start(FileJob* job) {
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

bs::SourceOptions Engine::source_options() const {
  bs::SourceOptions so = o_.source;
  so.http.head_bytes = 1;  // no speculative reads: the copy reads everything in parts
  so.http.tail_bytes = 0;
  return so;
}

Status Engine::OpenLocalTarget(FileJob* job) {
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

Status Engine::DoPart(FileJob* job, const bs::PartPlan& part, Bytes* buffer) {
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

void Engine::Finish(FileJob* job) {
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

}  // namespace arrowroot::transfer::internal
