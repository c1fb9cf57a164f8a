// The checks of a copy: --verify size / checksum (HEAD or stat, part MD5s, S3 ETags) and the
// --resume comparison; --verify root is in verify_root.cc.
#include <algorithm>
#include <filesystem>

#include "transfer/engine.h"
#include "transfer/verify_root.h"

namespace arrowroot::transfer::internal {

namespace bs = byte_source;
namespace fs = std::filesystem;

namespace {

bool IsHexMd5(std::string_view s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
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

}  // namespace

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

std::string Engine::ExpectedEtag(const FileJob* job) const {
  return bs::ExpectedEtag(job->md5, !job->single);
}

bool Engine::ProvenByMultipartEtag(const FileJob* job, const std::vector<std::string>& md5s) {
  const std::string& e = job->source_multipart_etag;
  return !e.empty() && bs::ExpectedEtag(md5s, /*multipart=*/true) == e;
}

Status Engine::VerifyTarget(FileJob* job, const std::string& path) {
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
  if (o_.verify >= Verify::kRoot) return VerifyRoot(path, where, o_.source);
  return Status::OK();
}

Result<std::vector<std::string>> Engine::PartMd5s(const bs::ByteSource& src,
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

Result<bool> Engine::AlreadyThere(FileJob* job) {
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

}  // namespace arrowroot::transfer::internal
