// URL text: schemes, percent-encoding, redaction for messages, splitting off the origin. Pure
// functions, thread-safe; shared by the HTTP, S3 and WebHDFS sources and by open.h.
#pragma once

#include <string>
#include <string_view>

namespace arrowroot::byte_source {

/// "s3", "https", ... (lower-cased) or "" for a plain path.
std::string UrlScheme(const std::string& path_or_url);

/// The URL without query string or userinfo, for messages.
std::string RedactUrl(const std::string& url);

/// Split "scheme://host[:port]/rest" into the origin ("scheme://host[:port]"), the host with its
/// port, and the rest (path and query; "/" when there is none). False for a URL without
/// "://" or without a host.
bool SplitUrl(const std::string& url, std::string* origin, std::string* host, std::string* rest);

/// Percent-encode every byte except the RFC 3986 unreserved characters A-Z a-z 0-9 - . _ ~
/// (and '/' unless `encode_slash`), with upper-case hex digits: "a b/c" -> "a%20b/c".
std::string UriEncode(std::string_view data, bool encode_slash);

/// Decode the %XX escapes of `in` into *out. A '%' that does not start a valid escape is kept
/// as it is, and the result is then false (callers that must reject it check the result).
bool PercentDecode(std::string_view in, std::string* out);

}  // namespace arrowroot::byte_source
