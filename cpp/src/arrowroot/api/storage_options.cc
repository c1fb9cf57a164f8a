#include "arrowroot/api/storage_options.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

namespace arrowroot {
namespace api {
namespace {

enum class Key {
  kEndpointUrl, kRegion, kKey, kSecret, kToken, kProfile, kAnon, kAddressing, kCaBundle, kVerify,
  kConnectTimeout, kReadTimeout, kRetries, kMaxRetryTime, kMaxGapBytes, kMaxWasteRatio,
  kMaxRequestBytes, kMaxRequestsInFlight, kMaxPrefetchBytes,
};

struct KeyInfo {
  const char* name;
  Key key;
  StorageOptionKind kind;
};

// Keys as s3fs/fsspec spell them where they exist, with the botocore/AWS spellings as aliases.
constexpr KeyInfo kKeys[] = {
    {"endpoint_url", Key::kEndpointUrl, StorageOptionKind::kText},
    {"region", Key::kRegion, StorageOptionKind::kText},
    {"region_name", Key::kRegion, StorageOptionKind::kText},
    {"key", Key::kKey, StorageOptionKind::kText},
    {"access_key_id", Key::kKey, StorageOptionKind::kText},
    {"aws_access_key_id", Key::kKey, StorageOptionKind::kText},
    {"secret", Key::kSecret, StorageOptionKind::kText},
    {"secret_access_key", Key::kSecret, StorageOptionKind::kText},
    {"aws_secret_access_key", Key::kSecret, StorageOptionKind::kText},
    {"token", Key::kToken, StorageOptionKind::kText},
    {"session_token", Key::kToken, StorageOptionKind::kText},
    {"aws_session_token", Key::kToken, StorageOptionKind::kText},
    {"profile", Key::kProfile, StorageOptionKind::kText},
    {"anon", Key::kAnon, StorageOptionKind::kBool},
    {"anonymous", Key::kAnon, StorageOptionKind::kBool},
    {"addressing", Key::kAddressing, StorageOptionKind::kText},
    {"ca_bundle", Key::kCaBundle, StorageOptionKind::kText},
    {"verify", Key::kVerify, StorageOptionKind::kBool},
    {"connect_timeout", Key::kConnectTimeout, StorageOptionKind::kNumber},
    {"read_timeout", Key::kReadTimeout, StorageOptionKind::kNumber},
    {"retries", Key::kRetries, StorageOptionKind::kInteger},
    {"max_retry_time", Key::kMaxRetryTime, StorageOptionKind::kNumber},
    {"max_gap_bytes", Key::kMaxGapBytes, StorageOptionKind::kInteger},
    {"max_waste_ratio", Key::kMaxWasteRatio, StorageOptionKind::kNumber},
    {"max_request_bytes", Key::kMaxRequestBytes, StorageOptionKind::kInteger},
    {"max_requests_in_flight", Key::kMaxRequestsInFlight, StorageOptionKind::kInteger},
    {"max_prefetch_bytes", Key::kMaxPrefetchBytes, StorageOptionKind::kInteger},
};

const KeyInfo* Find(const std::string& name) {
  for (const KeyInfo& k : kKeys) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

Status Wrong(const std::string& key, const char* what) {
  return Status::InvalidArgument("storage option '" + key + "' takes " + what);
}

Result<bool> ParseBool(const std::string& key, const std::string& v) {
  if (v == "true" || v == "True" || v == "1") return true;
  if (v == "false" || v == "False" || v == "0") return false;
  return Wrong(key, "true or false");
}

Result<int64_t> ParseInteger(const std::string& key, const std::string& v) {
  errno = 0;
  char* end = nullptr;
  const long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || errno == ERANGE) return Wrong(key, "an integer");
  return static_cast<int64_t>(n);
}

Result<double> ParseNumber(const std::string& key, const std::string& v) {
  errno = 0;
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(d)) {
    return Wrong(key, "a number");
  }
  return d;
}

}  // namespace

Result<ParsedStorageOptions> ParseStorageOptions(const StorageOptions& options) {
  ParsedStorageOptions p;
  byte_source::S3Options& s3 = p.source.s3;
  byte_source::HttpOptions& http = p.source.http;
  IoTuning& t = p.tuning;
  for (const auto& [name, v] : options) {
    const KeyInfo* k = Find(name);
    if (k == nullptr) {
      return Status::InvalidArgument(
          "unknown storage option '" + name + "'; known: endpoint_url, region, key, secret, "
          "token, profile, anon, addressing, ca_bundle, verify, connect_timeout, read_timeout, "
          "retries, max_retry_time, max_gap_bytes, max_waste_ratio, max_request_bytes, "
          "max_requests_in_flight, max_prefetch_bytes");
    }
    switch (k->key) {
      case Key::kEndpointUrl: s3.endpoint_url = v; break;
      case Key::kRegion: s3.region = v; break;
      case Key::kKey: s3.access_key_id = v; break;
      case Key::kSecret: s3.secret_access_key = v; break;
      case Key::kToken: s3.session_token = v; break;
      case Key::kProfile: s3.profile = v; break;
      case Key::kAnon: { ASSIGN_OR_RETURN(s3.anonymous, ParseBool(name, v)); break; }
      case Key::kAddressing:
        if (v == "path") s3.addressing = byte_source::S3Options::Addressing::kPath;
        else if (v == "virtual") s3.addressing = byte_source::S3Options::Addressing::kVirtualHost;
        else if (v == "auto") s3.addressing = byte_source::S3Options::Addressing::kAuto;
        else {
          return Status::InvalidArgument(
              "storage_options['addressing'] is 'path', 'virtual' or 'auto', not '" + v + "'");
        }
        break;
      case Key::kCaBundle: http.ca_bundle = v; break;
      case Key::kVerify: { ASSIGN_OR_RETURN(http.verify_tls, ParseBool(name, v)); break; }
      case Key::kConnectTimeout: {
        ASSIGN_OR_RETURN(double s, ParseNumber(name, v));
        http.connect_timeout_ms = static_cast<int64_t>(s * 1000);
        break;
      }
      case Key::kReadTimeout: {
        // Curl's low-speed limit counts whole seconds.
        ASSIGN_OR_RETURN(double s, ParseNumber(name, v));
        http.low_speed_timeout_s = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(s)));
        break;
      }
      case Key::kRetries: {
        ASSIGN_OR_RETURN(int64_t n, ParseInteger(name, v));
        http.retry.max_attempts = static_cast<int>(std::max<int64_t>(1, n + 1));
        break;
      }
      case Key::kMaxRetryTime: {
        ASSIGN_OR_RETURN(double s, ParseNumber(name, v));
        http.retry.max_total_ms = static_cast<int64_t>(s * 1000);
        break;
      }
      case Key::kMaxGapBytes: {
        ASSIGN_OR_RETURN(int64_t n, ParseInteger(name, v));
        t.coalesce.max_gap_bytes = static_cast<uint64_t>(n);
        break;
      }
      case Key::kMaxWasteRatio: { ASSIGN_OR_RETURN(t.coalesce.max_waste_ratio, ParseNumber(name, v)); break; }
      case Key::kMaxRequestBytes: {
        ASSIGN_OR_RETURN(int64_t n, ParseInteger(name, v));
        t.coalesce.max_request_bytes = static_cast<uint64_t>(n);
        break;
      }
      case Key::kMaxRequestsInFlight: {
        ASSIGN_OR_RETURN(int64_t n, ParseInteger(name, v));
        t.max_requests_in_flight = static_cast<int>(n);
        break;
      }
      case Key::kMaxPrefetchBytes: {
        ASSIGN_OR_RETURN(int64_t n, ParseInteger(name, v));
        t.max_prefetch_bytes = static_cast<uint64_t>(n);
        break;
      }
    }
  }
  return p;
}

}  // namespace api

StorageOptionKind StorageOptionKindOf(const std::string& key) {
  const api::KeyInfo* k = api::Find(key);
  return k ? k->kind : StorageOptionKind::kUnknown;
}

}  // namespace arrowroot
