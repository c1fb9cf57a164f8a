// The write side of S3: PUT, multipart uploads (create, upload part, complete, abort), HEAD and
// listings, over the same S3 client (s3_client.h: signer, ListObjectsV2) as the S3 source (the
// payload's SHA-256 is signed, and every part carries Content-MD5, which Ceph RGW 16 and AWS
// both check). A CMake target of its own (arrowroot_s3_writer): only what writes links it.
//
// Pure helpers (part planning, ETags, XML documents) are separate functions so they are tested
// without a server.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "arrowroot/byte_source/s3/s3_client.h"
#include "arrowroot/common/text.h"

namespace arrowroot::byte_source {

/// S3's multipart limits: parts of 5 MiB to 5 GiB (the last may be smaller), at most 10000.
inline constexpr uint64_t kS3MinPartSize = uint64_t{5} << 20;
inline constexpr uint64_t kS3MaxPartSize = uint64_t{5} << 30;
inline constexpr int kS3MaxParts = 10000;

struct PartPlan {
  int number = 0;  ///< 1-based
  uint64_t offset = 0;
  uint64_t size = 0;
};

/// Split an object of `size` bytes into parts of `part_size` (the last one shorter). The part
/// size grows (in whole MiB) when more than 10000 parts would be needed. InvalidArgument for a
/// part size under 5 MiB or over 5 GiB, or an object over 5 TiB. An empty object has one
/// empty part.
Result<std::vector<PartPlan>> PlanParts(uint64_t size, uint64_t part_size);

/// The raw 16-byte MD5 of `data`, and its base64 (Content-MD5) and lower-case hex forms.
std::string Md5Raw(std::span<const std::byte> data);
std::string Base64(std::string_view raw);
/// Lower-case hex (common/text.h; kept under this name for the copy engine).
inline std::string Hex(std::string_view raw) { return HexEncode(raw); }

/// The ETag S3 gives a multipart object: hex MD5 of the parts' raw MD5s, "-", the part count.
/// With one raw MD5 and `multipart` false: the plain hex MD5 of a single PUT.
std::string ExpectedEtag(const std::vector<std::string>& part_md5_raw, bool multipart);

/// An incremental MD5 (for hashing a file in order, block by block).
class Md5Stream {
 public:
  Md5Stream();
  ~Md5Stream();
  Md5Stream(const Md5Stream&) = delete;
  Md5Stream& operator=(const Md5Stream&) = delete;
  void Update(std::span<const std::byte> data);
  /// The 16 raw bytes; the stream cannot be updated afterwards.
  std::string Finish();

 private:
  void* ctx_;  // EVP_MD_CTX
};

struct CompletedPart {
  int number = 0;
  std::string etag;  ///< as the server returned it
};

/// The CompleteMultipartUpload request body.
std::string CompleteMultipartXml(const std::vector<CompletedPart>& parts);

/// The UploadId of an InitiateMultipartUploadResult. Corruption if there is none.
Result<std::string> ParseUploadId(const std::string& xml);

/// A CompleteMultipartUpload answer: S3 may answer 200 and put an <Error> in the body. Returns
/// the final ETag (unquoted; "" when the server leaves it out, as Ceph RGW 16 does), or
/// IOError with the error's code and message.
Result<std::string> ParseCompleteResult(const std::string& xml);

struct S3UploadInfo {
  std::string key;
  std::string upload_id;
};

/// The <Upload>s of a ListMultipartUploads answer.
std::vector<S3UploadInfo> ParseListUploads(const std::string& xml);

/// An S3 client for one endpoint that writes and lists. Thread-safe (the HTTP client pools
/// connections); counters in stats().
class S3Writer {
 public:
  /// Resolve the configuration (environment, profile) once.
  static Result<std::unique_ptr<S3Writer>> Make(const S3Options& options, HttpOptions http = {});

  /// HEAD: size and ETag, or nullopt when there is no such object.
  Result<std::optional<S3ObjectInfo>> Head(const S3Location& loc) const;
  /// PUT the whole object in one request (with Content-MD5); returns the ETag (unquoted).
  /// `md5_raw`: the body's MD5 (16 raw bytes) when the caller has it already, else computed.
  Result<std::string> PutObject(const S3Location& loc, std::span<const std::byte> body,
                                std::string_view md5_raw = {}) const;
  /// Start a multipart upload; returns its UploadId.
  Result<std::string> CreateMultipartUpload(const S3Location& loc) const;
  /// Upload part `number` (with Content-MD5); returns its ETag as sent by the server.
  Result<std::string> UploadPart(const S3Location& loc, const std::string& upload_id, int number,
                                 std::span<const std::byte> body, std::string_view md5_raw = {}) const;
  /// Make the object visible from the parts; returns its ETag (unquoted).
  Result<std::string> CompleteMultipartUpload(const S3Location& loc, const std::string& upload_id,
                                              const std::vector<CompletedPart>& parts) const;
  /// Drop an upload and its parts (nothing becomes visible). A missing upload is OK.
  Status AbortMultipartUpload(const S3Location& loc, const std::string& upload_id) const;
  /// Delete an object (a missing one is OK).
  Status DeleteObject(const S3Location& loc) const;
  /// Every object under a prefix (ListObjectsV2, all pages).
  Result<std::vector<S3ObjectInfo>> List(const std::string& bucket, const std::string& prefix) const;
  /// Multipart uploads in progress under a prefix.
  Result<std::vector<S3UploadInfo>> ListUploads(const std::string& bucket,
                                                const std::string& prefix) const;

  const S3Config& config() const { return client_.config(); }
  const SourceStats& stats() const { return stats_; }

  /// No I/O; Make() resolves the configuration first.
  S3Writer(S3Config config, HttpOptions http);

 private:
  const HttpClient& http() const { return client_.http(); }
  S3Client client_;
  mutable SourceStats stats_;
};

}  // namespace arrowroot::byte_source
