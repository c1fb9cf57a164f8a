// AWS Signature Version 4: sign an HTTP request for S3 (or, for testing against AWS's
// generic suite, for any SigV4 service).
//
// The signer is a pure function. It does no I/O and never reads the clock: the signing time is
// an input, so a fixed time gives a fixed signature. Every function here is thread-safe.
//
// Specification: https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
// (headers) and https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
// (presigned URLs). S3 differs from the other services in how it treats the path (see Mode);
// the generic rules are those of AWS's signing test suite (awslabs/aws-c-auth,
// tests/aws-signing-test-suite/v4), which sigv4_test.cc runs.
//
// Secrets: error messages never contain the secret access key or the session token. The
// results do contain the access key id and the signature, and `canonical_request` contains the
// session token, so do not log them (STYLE.md, "Logging").
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "arrowroot/byte_source/url.h"
#include "arrowroot/common/status.h"

namespace arrowroot::byte_source::sigv4 {

/// A header or query parameter: name, value.
using NameValue = std::pair<std::string, std::string>;

/// The payload hash for a body that is not signed (S3 accepts it on every request).
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
/// Hex SHA-256 of the empty string: the payload hash of a GET or HEAD.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Long-term or temporary (STS) AWS credentials.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  ///< empty unless the credentials are temporary (STS)
};

/// The request to sign: what of an HTTP request goes into the signature.
struct Request {
  std::string method;  ///< "GET", "HEAD", "PUT", ...
  /// The path as it goes on the wire: percent-encoded, no query, starting with '/' ("" means
  /// "/"). Build it with UriEncode(key, /*encode_slash=*/false).
  /// Mode::kS3 decodes it and encodes it once the canonical way, so "/a%20b" and "/a b" both
  /// sign as "/a%20b" (what S3 computes from the key). Mode::kGeneric encodes it once more as
  /// given, and "/a%20b" signs as "/a%2520b".
  std::string path;
  /// Query parameters, *decoded*; the signer encodes them. A bare name ("?lifecycle") has the
  /// value "". Order does not matter.
  std::vector<NameValue> query;
  /// Headers to sign, in any order and case; each one is signed, so leave out those a proxy
  /// may change (User-Agent, Accept-Encoding, Connection). Host is required. For S3 the usual
  /// set is Host, Range and any x-amz-* headers. X-Amz-Date, X-Amz-Content-Sha256,
  /// X-Amz-Security-Token and Authorization are the signer's to add (InvalidArgument if given).
  /// A repeated name is signed as one header with the values joined by ',' in order.
  std::vector<NameValue> headers;
  /// Lower-case hex SHA-256 of the body (Sha256Hex(body)), or kUnsignedPayload.
  /// "" means the empty body (kEmptyPayloadSha256).
  std::string payload_sha256_hex;
};

enum class Mode {
  /// Amazon S3: the path is URI-encoded once and never normalized ("a/./b" and "a//b" are
  /// different keys), and header signing adds a signed x-amz-content-sha256 header.
  kS3,
  /// Every other SigV4 service, and the AWS signing test suite: the path is normalized (when
  /// `normalize_path`) and encoded once more as given, so "%20" in the path signs as "%2520".
  kGeneric,
};

/// Where, when and how to sign.
struct SigningParams {
  std::string region;          ///< "us-east-1"
  std::string service = "s3";  ///< the credential scope's service name
  /// The signing time (seconds, UTC). S3 rejects a request more than 15 minutes off its clock.
  std::chrono::sys_seconds time;
  Mode mode = Mode::kS3;
  /// Mode::kGeneric only: remove "." and ".." segments and repeated slashes from the path.
  bool normalize_path = true;
  /// Mode::kGeneric only: also add and sign x-amz-content-sha256 (S3 mode always does).
  bool add_content_sha256_header = false;
};

/// What signing produced. Send the request with `headers_to_add` added to its headers and
/// `query_to_add` appended to its query.
struct Signed {
  std::string canonical_request;  ///< contains the session token, if any: do not log
  std::string string_to_sign;
  std::string signature;      ///< 64 lower-case hex digits
  std::string authorization;  ///< the Authorization header's value (empty for Presign)
  /// Sign: x-amz-date, x-amz-content-sha256 (S3 mode or add_content_sha256_header),
  /// x-amz-security-token (if there is a session token), Authorization, in this order.
  /// Presign: none.
  std::vector<NameValue> headers_to_add;
  /// Presign only: X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
  /// X-Amz-SignedHeaders, X-Amz-Security-Token (if any), X-Amz-Signature. The values are
  /// decoded: encode each name and value with UriEncode(s, /*encode_slash=*/true).
  std::vector<NameValue> query_to_add;
};

/// Sign `request` with an Authorization header.
///
/// Errors: InvalidArgument for a request or parameters that cannot be signed (no Host header,
/// a header the signer owns, CR or LF in a header, a malformed percent escape in an S3 path, a
/// payload hash that is neither 64 lower-case hex digits nor UNSIGNED-PAYLOAD, an empty key,
/// region or service, a time outside years 0000-9999); IOError (not retryable) if OpenSSL
/// fails to hash.
Result<Signed> Sign(const Request& request, const Credentials& credentials,
                    const SigningParams& params);

/// Sign `request` with query parameters instead (a presigned URL) valid for `expires`
/// (1 second to 7 days). For S3 set `payload_sha256_hex` to kUnsignedPayload, as the SDKs do.
/// The headers in `request.headers` (usually just Host) are signed and must be sent with it.
/// Errors: those of Sign, and InvalidArgument for `expires` out of range or a query parameter
/// that Presign adds.
Result<Signed> Presign(const Request& request, const Credentials& credentials,
                       const SigningParams& params, std::chrono::seconds expires);

/// Return the lower-case hex SHA-256 of `data` ("" only if OpenSSL fails).
std::string Sha256Hex(std::string_view data);

/// Percent-encode as SigV4 wants it (url.h: RFC 3986 unreserved characters kept, upper-case hex).
using byte_source::UriEncode;

}  // namespace arrowroot::byte_source::sigv4
