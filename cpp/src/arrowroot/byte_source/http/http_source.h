// The HTTP(S) byte source: Range GETs through the HTTP client (retries in one place), the
// object's ETag pinned, speculative head and tail reads for the file's metadata. S3 is this
// source plus a request signer (s3/s3_source.h).
#pragma once

#include <memory>
#include <string>

#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/byte_source/http/http_client.h"

namespace arrowroot::byte_source {

/// Open an http:// or https:// URL. Does the speculative head (and tail) read, learns the size
/// from Content-Range, pins the ETag. A server that ignores Range is detected (the object is
/// then downloaded once, whole, and counted in stats().num_full_downloads).
///
/// Reads fail with IOError when the object changes while it is read (another ETag or size),
/// when the server answers another range than asked for, or with a short body.
Result<std::shared_ptr<ByteSource>> OpenHttpSource(const std::string& url, HttpOptions options);

}  // namespace arrowroot::byte_source
