#include "arrowroot/byte_source/s3/s3_url.h"

#include "arrowroot/byte_source/url.h"

namespace arrowroot::byte_source {

Result<S3Location> ParseS3Url(const std::string& url) {
  if (url.rfind("s3://", 0) != 0) {
    return Status::InvalidArgument("'" + RedactUrl(url) + "' is not an s3:// URL");
  }
  std::string rest = url.substr(5);
  auto slash = rest.find('/');
  S3Location loc;
  loc.bucket = rest.substr(0, slash);
  if (slash != std::string::npos) loc.key = rest.substr(slash + 1);
  if (loc.bucket.empty() || loc.bucket.find_first_of("?#@") != std::string::npos) {
    return Status::InvalidArgument("'" + RedactUrl(url) + "' names no bucket: use s3://bucket/key");
  }
  return loc;
}

std::string S3Url(const S3Location& location) {
  return "s3://" + location.bucket + "/" + location.key;
}

std::string S3ObjectUrl(const S3Config& config, const S3Location& location) {
  const std::string key = UriEncode(location.key, /*encode_slash=*/false);
  if (config.path_style) return config.endpoint + "/" + location.bucket + "/" + key;
  auto scheme = config.endpoint.find("://");
  return config.endpoint.substr(0, scheme + 3) + location.bucket + "." +
         config.endpoint.substr(scheme + 3) + "/" + key;
}

std::string S3BucketUrl(const S3Config& config, const std::string& bucket) {
  std::string url = S3ObjectUrl(config, S3Location{bucket, ""});
  if (url.back() != '/') url += "/";
  return url;
}

}  // namespace arrowroot::byte_source
