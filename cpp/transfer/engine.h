// The worker pool of a copy: `jobs` threads share one queue of parts (of every file), so at
// most `jobs` part buffers are in memory, and one thread reports progress. engine.cc runs the
// transfers (open, parts, complete or abort); verify.cc checks them (and --resume);
// verify_root.cc reads a copy back as a ROOT file.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "arrowroot/byte_source/s3/s3_writer.h"
#include "arrowroot/common/status.h"
#include "transfer/copy.h"
#include "transfer/plan.h"

namespace arrowroot::transfer::internal {

namespace bs = byte_source;

constexpr int kMaxJobs = 256;

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

/// Fill `job->source_md5` or `job->source_multipart_etag` from an S3 source's ETag.
void SourceChecksum(FileJob* job);

class Engine {
 public:
  Engine(const CopyOptions& o, std::unique_ptr<bs::S3Writer> s3, std::vector<Planned> plan);

  CopySummary Run();

 private:
  double Elapsed() const;
  Progress Snapshot(bool final);
  void ReportLoop();
  void Work();
  void Done(FileJob* job, const std::string& state, Status error = Status::OK());
  /// Open the source, check for --resume, plan the parts, start the upload. False when the
  /// file needs no parts (skipped, failed, or done).
  bool Start(FileJob* job);
  bs::SourceOptions source_options() const;
  Status OpenLocalTarget(FileJob* job);
  Status DoPart(FileJob* job, const bs::PartPlan& part, Bytes* buffer);
  /// Complete (or abort) the transfer, verify, and record the result.
  void Finish(FileJob* job);

  // verify.cc
  std::string ExpectedEtag(const FileJob* job) const;
  /// Whether `md5s` (this copy's parts) give the S3 source's multipart ETag ("-N" included).
  /// Only a match is taken as proof (the same part sizes, e.g. an object uploaded with this
  /// part size); other part sizes give another ETag, so a mismatch proves nothing.
  static bool ProvenByMultipartEtag(const FileJob* job, const std::vector<std::string>& md5s);
  /// Check the copy: `path` is where its bytes are now (a local copy's temporary name, or the
  /// S3 target); messages name the target.
  Status VerifyTarget(FileJob* job, const std::string& path);
  static Result<std::vector<std::string>> PartMd5s(const bs::ByteSource& src,
                                                  const std::vector<bs::PartPlan>& parts);
  /// --resume: is the target there with the same size and checksum? (The source is read to
  /// compute its MD5s the way the target's ETag was made.) Also aborts uploads to the same key
  /// left by an interrupted run.
  Result<bool> AlreadyThere(FileJob* job);

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

}  // namespace arrowroot::transfer::internal
