// s3://bucket/key URLs and the https URLs of objects and buckets under an endpoint. Pure.
#pragma once

#include <string>

#include "arrowroot/byte_source/s3/s3_config.h"
#include "arrowroot/common/status.h"

namespace arrowroot::byte_source {

struct S3Location {
  std::string bucket;
  std::string key;  ///< without the leading '/'
};

/// "s3://bucket/key/with/slashes" → {bucket, key}. InvalidArgument otherwise.
Result<S3Location> ParseS3Url(const std::string& url);

/// "s3://bucket/key", for messages.
std::string S3Url(const S3Location& location);

/// The https URL of an object under `config` (key percent-encoded, slashes kept).
std::string S3ObjectUrl(const S3Config& config, const S3Location& location);

/// The URL of a bucket, ending in '/', to which bucket operations add their query
/// ("?list-type=2...", "?uploads").
std::string S3BucketUrl(const S3Config& config, const std::string& bucket);

}  // namespace arrowroot::byte_source
