// S3 configuration as a user of the AWS CLI expects it: options, then the environment, then
// ~/.aws/config and ~/.aws/credentials (profiles), for AWS and for custom endpoints such as
// CERN's s3.cern.ch or a Ceph RGW. Pure but for reading the two files; thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "arrowroot/byte_source/s3/sigv4.h"
#include "arrowroot/common/status.h"

namespace arrowroot::byte_source {

/// What the caller sets; anything left empty comes from the environment or the AWS files.
struct S3Options {
  /// "https://s3.cern.ch", "http://127.0.0.1:47480". Default: $AWS_ENDPOINT_URL_S3, then
  /// $AWS_ENDPOINT_URL, then the profile's endpoint_url, then AWS
  /// (https://s3.<region>.amazonaws.com).
  std::string endpoint_url;
  /// Default: $AWS_REGION, $AWS_DEFAULT_REGION, the profile's region, then "us-east-1".
  std::string region;
  /// Default: $AWS_ACCESS_KEY_ID / $AWS_SECRET_ACCESS_KEY / $AWS_SESSION_TOKEN, then the
  /// profile in the shared credentials file.
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  /// Default: $AWS_PROFILE, else "default".
  std::string profile;
  /// Send unsigned requests (public buckets). Also chosen when no credentials are found.
  bool anonymous = false;
  /// Path-style URLs (endpoint/bucket/key) — the default for custom endpoints — or
  /// virtual-host style (bucket.endpoint/key), the default for AWS.
  enum class Addressing { kAuto, kPath, kVirtualHost };
  Addressing addressing = Addressing::kAuto;
};

/// The configuration in effect, after defaults.
struct S3Config {
  std::string endpoint;  ///< "scheme://host[:port]", no trailing slash
  std::string region;
  sigv4::Credentials credentials;
  bool anonymous = false;
  bool path_style = true;
  /// Where the credentials came from, for messages ("environment", "profile 'x' in ...",
  /// "options", "none (anonymous)"); never the credentials themselves.
  std::string credentials_source;
};

/// Reads environment variables; replaceable in tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

/// Apply the defaults (see S3Options). InvalidArgument for a malformed endpoint or an
/// unreadable named profile.
Result<S3Config> ResolveS3Config(const S3Options& options, const EnvLookup& env = {});

}  // namespace arrowroot::byte_source
