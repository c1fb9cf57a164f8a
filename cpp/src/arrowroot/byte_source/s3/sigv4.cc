#include "arrowroot/byte_source/s3/sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdio>
#include <string>
#include <vector>

#include "arrowroot/byte_source/url.h"
#include "arrowroot/common/text.h"

namespace arrowroot::byte_source::sigv4 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
// S3 refuses presigned URLs that live longer than 7 days (sigv4-query-string-auth.html,
// X-Amz-Expires); the generic services share the limit.
constexpr std::chrono::seconds kMaxPresignExpiry{7 * 24 * 3600};

using Digest = std::array<unsigned char, 32>;

Status CryptoFailed(std::string_view what) {
  return Status::IOError("OpenSSL failed to compute " + std::string(what) +
                         " for SigV4 signing (is its default provider available?)");
}

bool Sha256(std::string_view data, Digest* out) {
  unsigned int len = 0;
  return EVP_Digest(data.data(), data.size(), out->data(), &len, EVP_sha256(), nullptr) == 1 &&
         len == out->size();
}

bool HmacSha256(std::string_view key, std::string_view data, Digest* out) {
  if (key.size() > static_cast<size_t>(INT_MAX)) return false;
  unsigned int len = 0;
  return HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), out->data(),
              &len) != nullptr &&
         len == out->size();
}

std::string_view AsView(const Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

std::string Hex(const Digest& d) { return HexEncode(AsView(d)); }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && AsciiLower(a) == AsciiLower(b);
}

// RFC 9110 §5.6.2 token characters: what a header name or method may consist of.
bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// CR and LF would let a value start a new header line; NUL ends it early in C APIs (curl).
bool HasLineBreakOrNul(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

// Remove "." and ".." segments and empty segments (repeated slashes), as the generic SigV4
// spec does before encoding (RFC 3986 §5.2.4 plus slash collapsing). A trailing slash stays.
std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> segments;
  bool ends_in_directory = path.empty() || path.back() == '/';
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    if (end == path.size()) ends_in_directory |= segment == "." || segment == "..";
    start = end + 1;
  }
  std::string out;
  for (std::string_view s : segments) {
    out.push_back('/');
    out.append(s);
  }
  if (out.empty() || ends_in_directory) out.push_back('/');
  return out;
}

// Trim spaces and tabs at both ends and turn each run of inner spaces into one space
// ("Trimall" in the canonical headers step of sig-v4-header-based-auth.html).
std::string TrimAll(std::string_view v) {
  size_t b = v.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  size_t e = v.find_last_not_of(" \t");
  v = v.substr(b, e - b + 1);
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out.push_back(c);
  }
  return out;
}

bool IsLowerHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// A scope part (region, service) or access key id: no '/', which separates the scope, and no
// space, ',' or control character, which would break the Authorization header.
bool IsScopeSafe(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '/' || c == ',') return false;
  }
  return true;
}

// "20130524T000000Z" and "20130524". The format has four year digits, hence the range.
Status FormatTime(std::chrono::sys_seconds t, std::string* amz_date, std::string* date) {
  using namespace std::chrono;
  constexpr sys_days kFirst = year{0} / January / 1;
  constexpr sys_days kPastLast = year{10000} / January / 1;
  if (t < kFirst || t >= kPastLast) {
    return Status::InvalidArgument("SigV4 signing time is outside the years 0000-9999");
  }
  sys_days day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<seconds> hms{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  *amz_date = buf;
  *date = amz_date->substr(0, 8);
  return Status::OK();
}

Status CheckInputs(const Request& request, const Credentials& credentials,
                   const SigningParams& params) {
  if (!IsScopeSafe(credentials.access_key_id)) {
    return Status::InvalidArgument(
        "SigV4: the access key id is empty or has a space, ',', '/' or control character");
  }
  if (credentials.secret_access_key.empty()) {
    return Status::InvalidArgument("SigV4: the secret access key is empty");
  }
  if (HasLineBreakOrNul(credentials.session_token)) {
    return Status::InvalidArgument("SigV4: the session token has a CR, LF or NUL in it");
  }
  if (!IsScopeSafe(params.region)) {
    return Status::InvalidArgument("SigV4: region '" + params.region +
                                   "' is empty or has a space, ',', '/' or control character");
  }
  if (!IsScopeSafe(params.service)) {
    return Status::InvalidArgument("SigV4: service '" + params.service +
                                   "' is empty or has a space, ',', '/' or control character");
  }
  if (!IsToken(request.method)) {
    return Status::InvalidArgument("SigV4: '" + request.method + "' is not an HTTP method");
  }
  if (!request.path.empty() && request.path.front() != '/') {
    return Status::InvalidArgument("SigV4: path '" + request.path +
                                   "' does not start with '/' (give the path without scheme "
                                   "and host)");
  }
  const std::string& hash = request.payload_sha256_hex;
  if (!hash.empty() && hash != kUnsignedPayload && !IsLowerHex64(hash)) {
    return Status::InvalidArgument("SigV4: payload hash '" + hash.substr(0, 80) +
                                   "' is neither 64 lower-case hex digits nor " +
                                   std::string(kUnsignedPayload) + " (use Sha256Hex(body))");
  }
  return Status::OK();
}

Result<std::string> CanonicalUri(const Request& request, const SigningParams& params) {
  std::string_view path = request.path.empty() ? std::string_view("/") : request.path;
  if (params.mode == Mode::kS3) {
    // S3 signs the object key encoded once; decoding first makes "/a%20b" and "/a b" (the same
    // key) sign alike. No normalization: "a/../b" is a key of its own in S3.
    std::string decoded;
    if (!PercentDecode(path, &decoded)) {
      return Status::InvalidArgument("SigV4: path '" + std::string(path) +
                                     "' has a malformed percent escape (expected %XX)");
    }
    return UriEncode(decoded, /*encode_slash=*/false);
  }
  return UriEncode(params.normalize_path ? NormalizePath(path) : std::string(path),
                   /*encode_slash=*/false);
}

std::string CanonicalQuery(const std::vector<NameValue>& query) {
  std::vector<NameValue> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, true), UriEncode(value, true));
  }
  // Sorted by encoded name, then encoded value, byte-wise.
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out.append(name).append("=").append(value);
  }
  return out;
}

struct CanonicalHeaders {
  std::string block;         // "name:value\n" lines
  std::string signed_names;  // "host;range;x-amz-date"
};

// `extra` are the headers the signer adds, already lower-case.
Result<CanonicalHeaders> CanonicalizeHeaders(const std::vector<NameValue>& headers,
                                             const std::vector<NameValue>& extra) {
  static constexpr std::string_view kOwned[] = {"authorization", "x-amz-date",
                                                "x-amz-content-sha256", "x-amz-security-token"};
  std::vector<NameValue> lowered;
  lowered.reserve(headers.size() + extra.size());
  bool has_host = false;
  for (const auto& [name, value] : headers) {
    if (!IsToken(name)) {
      return Status::InvalidArgument("SigV4: '" + name + "' is not a valid header name");
    }
    std::string lower = AsciiLower(name);
    for (std::string_view owned : kOwned) {
      if (lower == owned) {
        return Status::InvalidArgument("SigV4: header '" + name +
                                       "' is added by the signer; do not pass it");
      }
    }
    // The value is not quoted: it may be secret (a customer encryption key, say).
    if (HasLineBreakOrNul(value)) {
      return Status::InvalidArgument("SigV4: header '" + name +
                                     "' has a CR, LF or NUL in its value");
    }
    has_host |= lower == "host";
    lowered.emplace_back(std::move(lower), TrimAll(value));
  }
  if (!has_host) return Status::InvalidArgument("SigV4: the request has no Host header");
  lowered.insert(lowered.end(), extra.begin(), extra.end());
  // Stable, so that the values of a repeated header keep their order when joined.
  std::stable_sort(lowered.begin(), lowered.end(),
                   [](const NameValue& a, const NameValue& b) { return a.first < b.first; });
  CanonicalHeaders out;
  for (size_t i = 0; i < lowered.size(); ++i) {
    const std::string& name = lowered[i].first;
    if (i > 0 && name == lowered[i - 1].first) {
      out.block.pop_back();  // the '\n'
      out.block.append(",").append(lowered[i].second).append("\n");
      continue;
    }
    if (!out.signed_names.empty()) out.signed_names.push_back(';');
    out.signed_names.append(name);
    out.block.append(name).append(":").append(lowered[i].second).append("\n");
  }
  return out;
}

// HMAC chain of sig-v4-header-based-auth.html, "Calculating a Signature":
// "AWS4" + secret -> date -> region -> service -> "aws4_request", then the string to sign.
Result<std::string> ComputeSignature(const Credentials& credentials, const std::string& date,
                                     const SigningParams& params,
                                     const std::string& string_to_sign) {
  std::string secret_key = "AWS4" + credentials.secret_access_key;
  Digest k_date, k_region, k_service, k_signing, signature;
  bool ok = HmacSha256(secret_key, date, &k_date) &&
            HmacSha256(AsView(k_date), params.region, &k_region) &&
            HmacSha256(AsView(k_region), params.service, &k_service) &&
            HmacSha256(AsView(k_service), "aws4_request", &k_signing) &&
            HmacSha256(AsView(k_signing), string_to_sign, &signature);
  // Do not leave key material behind on the heap or the stack.
  OPENSSL_cleanse(secret_key.data(), secret_key.size());
  for (Digest* d : {&k_date, &k_region, &k_service, &k_signing}) {
    OPENSSL_cleanse(d->data(), d->size());
  }
  if (!ok) return CryptoFailed("HMAC-SHA256");
  return Hex(signature);
}

Result<Signed> SignImpl(const Request& request, const Credentials& credentials,
                        const SigningParams& params, const std::chrono::seconds* expires) {
  RETURN_IF_ERROR(CheckInputs(request, credentials, params));
  std::string amz_date, date;
  RETURN_IF_ERROR(FormatTime(params.time, &amz_date, &date));
  const std::string payload_hash = request.payload_sha256_hex.empty()
                                       ? std::string(kEmptyPayloadSha256)
                                       : request.payload_sha256_hex;
  const std::string scope = date + "/" + params.region + "/" + params.service + "/aws4_request";
  const bool presign = expires != nullptr;

  Signed out;
  std::vector<NameValue> extra_headers;
  if (!presign) {
    extra_headers.emplace_back("x-amz-date", amz_date);
    if (params.mode == Mode::kS3 || params.add_content_sha256_header) {
      extra_headers.emplace_back("x-amz-content-sha256", payload_hash);
    }
    if (!credentials.session_token.empty()) {
      extra_headers.emplace_back("x-amz-security-token", credentials.session_token);
    }
  }
  ASSIGN_OR_RETURN(CanonicalHeaders headers, CanonicalizeHeaders(request.headers, extra_headers));
  ASSIGN_OR_RETURN(std::string canonical_uri, CanonicalUri(request, params));

  std::vector<NameValue> query = request.query;
  if (presign) {
    if (*expires < std::chrono::seconds(1) || *expires > kMaxPresignExpiry) {
      return Status::InvalidArgument("SigV4: a presigned URL must expire after 1 to 604800 "
                                     "seconds, not " +
                                     std::to_string(expires->count()));
    }
    for (const auto& [name, value] : request.query) {
      for (std::string_view added : {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
                                     "X-Amz-Expires", "X-Amz-SignedHeaders",
                                     "X-Amz-Security-Token", "X-Amz-Signature"}) {
        if (EqualsIgnoreCase(name, added)) {
          return Status::InvalidArgument("SigV4: query parameter '" + name +
                                         "' is added by Presign; do not pass it");
        }
      }
    }
    out.query_to_add = {
        {"X-Amz-Algorithm", std::string(kAlgorithm)},
        {"X-Amz-Credential", credentials.access_key_id + "/" + scope},
        {"X-Amz-Date", amz_date},
        {"X-Amz-Expires", std::to_string(expires->count())},
        {"X-Amz-SignedHeaders", headers.signed_names},
    };
    if (!credentials.session_token.empty()) {
      out.query_to_add.emplace_back("X-Amz-Security-Token", credentials.session_token);
    }
    query.insert(query.end(), out.query_to_add.begin(), out.query_to_add.end());
  }

  out.canonical_request = request.method + "\n" + canonical_uri + "\n" + CanonicalQuery(query) +
                          "\n" + headers.block + "\n" + headers.signed_names + "\n" +
                          payload_hash;
  Digest request_digest;
  if (!Sha256(out.canonical_request, &request_digest)) return CryptoFailed("SHA-256");
  out.string_to_sign = std::string(kAlgorithm) + "\n" + amz_date + "\n" + scope + "\n" +
                       Hex(request_digest);
  ASSIGN_OR_RETURN(out.signature,
                   ComputeSignature(credentials, date, params, out.string_to_sign));

  if (presign) {
    out.query_to_add.emplace_back("X-Amz-Signature", out.signature);
  } else {
    out.authorization = std::string(kAlgorithm) + " Credential=" + credentials.access_key_id +
                        "/" + scope + ", SignedHeaders=" + headers.signed_names +
                        ", Signature=" + out.signature;
    out.headers_to_add = std::move(extra_headers);
    out.headers_to_add.emplace_back("Authorization", out.authorization);
  }
  return out;
}

}  // namespace

Result<Signed> Sign(const Request& request, const Credentials& credentials,
                    const SigningParams& params) {
  return SignImpl(request, credentials, params, nullptr);
}

Result<Signed> Presign(const Request& request, const Credentials& credentials,
                       const SigningParams& params, std::chrono::seconds expires) {
  return SignImpl(request, credentials, params, &expires);
}

std::string Sha256Hex(std::string_view data) {
  Digest d;
  return Sha256(data, &d) ? Hex(d) : std::string();
}

}  // namespace arrowroot::byte_source::sigv4
