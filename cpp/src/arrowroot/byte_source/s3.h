// S3 byte source: the HTTP source plus SigV4 signing (sigv4.h), with the configuration a user of
// the AWS CLI expects (environment, ~/.aws/credentials and ~/.aws/config, profiles), custom
// endpoints such as CERN's s3.cern.ch or a Ceph RGW, and ListObjectsV2 for globs.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "arrowroot/byte_source/http.h"
#include "arrowroot/byte_source/sigv4.h"

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

struct S3Location {
  std::string bucket;
  std::string key;  ///< without the leading '/'
};

/// "s3://bucket/key/with/slashes" → {bucket, key}. InvalidArgument otherwise.
Result<S3Location> ParseS3Url(const std::string& url);

/// The https URL of an object under `config` (key percent-encoded, slashes kept).
std::string S3ObjectUrl(const S3Config& config, const S3Location& location);

/// Open s3://bucket/key for reading.
Result<std::shared_ptr<ByteSource>> OpenS3Source(const std::string& url, const S3Options& options,
                                                 HttpOptions http = {});

/// Keys matching a glob (`*`, `?`, `[...]`; `*` does not cross '/'), as s3:// URLs, sorted,
/// listed with ListObjectsV2 from the longest literal prefix. A URL without wildcards is returned
/// as is.
Result<std::vector<std::string>> GlobS3(const std::string& pattern, const S3Options& options,
                                        HttpOptions http = {});

/// `http` set up to sign every request to `config` with SigV4 (the body's SHA-256 is signed)
/// and to describe S3 error bodies; `display` names the target in messages. For the writer.
HttpOptions S3HttpOptions(HttpOptions http, const S3Config& config, const std::string& display);

/// Every <tag>value</tag> in an S3 XML document, unescaped, in order (flat scan).
std::vector<std::string> S3XmlValues(const std::string& xml, const std::string& tag);
/// The raw content of every <tag>...</tag> (records such as <Contents>), in order.
std::vector<std::string> S3XmlBlocks(const std::string& xml, const std::string& tag);

/// "<Code>: <Message>" from an S3 XML error body, or "" if there is none.
std::string DescribeS3Error(const HttpResponse& response);

}  // namespace arrowroot::byte_source
