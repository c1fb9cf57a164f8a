#include "arrowroot/byte_source/s3.h"

#include <fnmatch.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace arrowroot::byte_source {

namespace {

std::optional<std::string> RealEnv(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

std::string Trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(0, s.find_first_not_of(ws));
  s.erase(s.find_last_not_of(ws) + 1);
  return s;
}

/// A minimal INI reader for the AWS shared files: section → key → value (keys lower-cased).
/// Format: https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html
std::map<std::string, std::map<std::string, std::string>> ReadIni(const std::string& path) {
  std::map<std::string, std::map<std::string, std::string>> out;
  std::ifstream in(path);
  std::string line, section;
  while (std::getline(in, line)) {
    line = Trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = Trim(line.substr(1, line.size() - 2));
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string::npos || section.empty()) continue;
    std::string key = Trim(line.substr(0, eq));
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    out[section][key] = Trim(line.substr(eq + 1));
  }
  return out;
}

std::string HomeFile(const EnvLookup& env, const std::string& override_var, const std::string& rel) {
  if (auto v = env(override_var)) return *v;
  auto home = env("HOME");
  return home ? *home + "/" + rel : std::string();
}

bool IsAwsEndpoint(const std::string& host) {
  return host.size() >= 14 && host.compare(host.size() - 14, 14, ".amazonaws.com") == 0;
}

/// scheme://host[:port] split from a URL; the rest (path and query) in *rest.
bool SplitUrl(const std::string& url, std::string* origin, std::string* host, std::string* rest) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return false;
  auto path = url.find('/', scheme + 3);
  *origin = url.substr(0, path);
  *host = url.substr(scheme + 3, (path == std::string::npos ? url.size() : path) - scheme - 3);
  *rest = path == std::string::npos ? "/" : url.substr(path);
  return !host->empty();
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string XmlUnescape(std::string s) {
  static const std::pair<const char*, char> entities[] = {
      {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}, {"&amp;", '&'}};
  std::string out;
  for (size_t i = 0; i < s.size();) {
    bool replaced = false;
    if (s[i] == '&') {
      for (const auto& [name, c] : entities) {
        size_t n = std::strlen(name);
        if (s.compare(i, n, name) == 0) {
          out.push_back(c);
          i += n;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out.push_back(s[i++]);
  }
  return out;
}

/// The raw content of every <tag>...</tag> in `xml`, in order (flat scan; S3's list and error
/// documents nest no same-named tags).
std::vector<std::string> XmlElements(const std::string& xml, const std::string& tag) {
  std::vector<std::string> out;
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  size_t pos = 0;
  while ((pos = xml.find(open, pos)) != std::string::npos) {
    pos += open.size();
    auto end = xml.find(close, pos);
    if (end == std::string::npos) break;
    out.push_back(xml.substr(pos, end - pos));
    pos = end + close.size();
  }
  return out;
}

/// Every <tag>value</tag> in `xml`, unescaped, in order.
std::vector<std::string> XmlValues(const std::string& xml, const std::string& tag) {
  std::vector<std::string> out = XmlElements(xml, tag);
  for (auto& v : out) v = XmlUnescape(std::move(v));
  return out;
}

std::string BodyText(const HttpResponse& r) {
  return std::string(reinterpret_cast<const char*>(r.body.data()), r.body.size());
}

/// SigV4-signs each attempt of a request to `config`'s endpoint.
RequestSigner MakeSigner(const S3Config& config) {
  if (config.anonymous) return {};
  return [config](HttpRequest& request) -> Status {
    std::string origin, host, rest;
    if (!SplitUrl(request.url, &origin, &host, &rest)) {
      return Status::InvalidArgument("cannot sign a request to a malformed URL");
    }
    sigv4::Request req;
    req.method = request.method;
    auto q = rest.find('?');
    req.path = rest.substr(0, q);
    if (q != std::string::npos) {
      std::string_view query(rest);
      query.remove_prefix(q + 1);
      while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view part = query.substr(0, amp);
        auto eq = part.find('=');
        req.query.emplace_back(PercentDecode(part.substr(0, eq)),
                               eq == std::string_view::npos ? "" : PercentDecode(part.substr(eq + 1)));
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
      }
    }
    req.headers.emplace_back("Host", host);
    for (const auto& [k, v] : request.headers) req.headers.emplace_back(k, v);
    // Uploads over plain HTTP sign their body's hash (S3 then rejects a body altered on the
    // way). Over HTTPS, TLS protects the body and Content-MD5 lets S3 check it, so the hash pass
    // is skipped with UNSIGNED-PAYLOAD, as the AWS SDKs do for S3 over HTTPS (the signature then
    // covers the Content-MD5 header instead). See the SigV4 docs on x-amz-content-sha256.
    const bool https = origin.rfind("https://", 0) == 0;
    const bool has_md5 = std::any_of(request.headers.begin(), request.headers.end(),
                                     [](const auto& h) { return h.first == "Content-MD5"; });
    req.payload_sha256_hex =
        request.body.empty()   ? std::string(sigv4::kEmptyPayloadSha256)
        : https && has_md5     ? std::string(sigv4::kUnsignedPayload)
                               : sigv4::Sha256Hex(std::string_view(
                                     reinterpret_cast<const char*>(request.body.data()), request.body.size()));
    sigv4::SigningParams params;
    params.region = config.region;
    params.service = "s3";
    params.time = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    params.mode = sigv4::Mode::kS3;
    ASSIGN_OR_RETURN(sigv4::Signed s, sigv4::Sign(req, config.credentials, params));
    for (auto& h : s.headers_to_add) request.headers.push_back(std::move(h));
    return Status::OK();
  };
}

HttpOptions WithS3(HttpOptions http, const S3Config& config, const std::string& display) {
  http.signer = MakeSigner(config);
  const std::string source = config.credentials_source;
  http.describe_error = [source](const HttpResponse& r) {
    std::string d = "HTTP " + std::to_string(r.status);
    std::string s3 = DescribeS3Error(r);
    if (!s3.empty()) d += " " + s3;
    if (r.status == 401 || r.status == 403) d += " (credentials: " + source + ")";
    return d;
  };
  http.display_name = display;
  return http;
}

}  // namespace

HttpOptions S3HttpOptions(HttpOptions http, const S3Config& config, const std::string& display) {
  return WithS3(std::move(http), config, display);
}

std::vector<std::string> S3XmlValues(const std::string& xml, const std::string& tag) {
  return XmlValues(xml, tag);
}

std::vector<std::string> S3XmlBlocks(const std::string& xml, const std::string& tag) {
  return XmlElements(xml, tag);
}

std::string DescribeS3Error(const HttpResponse& response) {
  const std::string body = BodyText(response);
  auto code = XmlValues(body, "Code");
  if (code.empty()) return {};
  auto message = XmlValues(body, "Message");
  return code[0] + (message.empty() || message[0].empty() ? "" : ": " + message[0]);
}

Result<S3Config> ResolveS3Config(const S3Options& options, const EnvLookup& env_in) {
  const EnvLookup env = env_in ? env_in : EnvLookup(RealEnv);
  S3Config c;
  std::string profile = options.profile;
  if (profile.empty()) profile = env("AWS_PROFILE").value_or("default");
  const bool profile_named = !options.profile.empty() || env("AWS_PROFILE").has_value();
  const std::string config_path = HomeFile(env, "AWS_CONFIG_FILE", ".aws/config");
  const std::string creds_path = HomeFile(env, "AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
  auto config_ini = config_path.empty() ? decltype(ReadIni("")){} : ReadIni(config_path);
  auto creds_ini = creds_path.empty() ? decltype(ReadIni("")){} : ReadIni(creds_path);
  // ~/.aws/config names sections "profile x" (and "default"); ~/.aws/credentials just "x".
  std::map<std::string, std::string> prof;
  if (auto it = config_ini.find(profile == "default" ? "default" : "profile " + profile);
      it != config_ini.end()) {
    prof = it->second;
  }
  std::map<std::string, std::string> cred;
  if (auto it = creds_ini.find(profile); it != creds_ini.end()) cred = it->second;
  if (profile_named && profile != "default" && prof.empty() && cred.empty()) {
    return Status::InvalidArgument("AWS profile '" + profile + "' is in neither " + config_path +
                                   " nor " + creds_path);
  }
  auto from_profile = [&](const std::string& key) -> std::optional<std::string> {
    if (auto it = prof.find(key); it != prof.end() && !it->second.empty()) return it->second;
    return std::nullopt;
  };

  // Region.
  c.region = options.region;
  if (c.region.empty()) c.region = env("AWS_REGION").value_or("");
  if (c.region.empty()) c.region = env("AWS_DEFAULT_REGION").value_or("");
  if (c.region.empty()) c.region = from_profile("region").value_or("");
  if (c.region.empty()) c.region = "us-east-1";

  // Endpoint.
  std::string endpoint = options.endpoint_url;
  if (endpoint.empty()) endpoint = env("AWS_ENDPOINT_URL_S3").value_or("");
  if (endpoint.empty()) endpoint = env("AWS_ENDPOINT_URL").value_or("");
  if (endpoint.empty()) endpoint = from_profile("endpoint_url").value_or("");
  bool custom = !endpoint.empty();
  if (!custom) endpoint = "https://s3." + c.region + ".amazonaws.com";
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  std::string origin, host, rest;
  if (!SplitUrl(endpoint, &origin, &host, &rest) || rest != "/" ||
      (endpoint.rfind("http://", 0) != 0 && endpoint.rfind("https://", 0) != 0)) {
    return Status::InvalidArgument("S3 endpoint '" + RedactUrl(endpoint) +
                                   "' is not of the form http(s)://host[:port]");
  }
  c.endpoint = origin;
  switch (options.addressing) {
    case S3Options::Addressing::kPath: c.path_style = true; break;
    case S3Options::Addressing::kVirtualHost: c.path_style = false; break;
    case S3Options::Addressing::kAuto: c.path_style = custom && !IsAwsEndpoint(host); break;
  }

  // Credentials.
  if (options.anonymous) {
    c.anonymous = true;
    c.credentials_source = "none (anonymous requests)";
    return c;
  }
  if (!options.access_key_id.empty() || !options.secret_access_key.empty()) {
    c.credentials = {options.access_key_id, options.secret_access_key, options.session_token};
    c.credentials_source = "options";
  } else if (env("AWS_ACCESS_KEY_ID") || env("AWS_SECRET_ACCESS_KEY")) {
    c.credentials = {env("AWS_ACCESS_KEY_ID").value_or(""), env("AWS_SECRET_ACCESS_KEY").value_or(""),
                     env("AWS_SESSION_TOKEN").value_or("")};
    c.credentials_source = "environment (AWS_ACCESS_KEY_ID)";
  } else if (cred.count("aws_access_key_id") || prof.count("aws_access_key_id")) {
    auto& src = cred.count("aws_access_key_id") ? cred : prof;
    c.credentials = {src["aws_access_key_id"], src["aws_secret_access_key"], src["aws_session_token"]};
    c.credentials_source = "profile '" + profile + "' in " +
                           (cred.count("aws_access_key_id") ? creds_path : config_path);
  } else {
    c.anonymous = true;
    c.credentials_source = "none found (anonymous requests; set AWS_ACCESS_KEY_ID and "
                           "AWS_SECRET_ACCESS_KEY, or a profile in ~/.aws/credentials)";
    return c;
  }
  if (c.credentials.access_key_id.empty() || c.credentials.secret_access_key.empty()) {
    return Status::InvalidArgument("incomplete S3 credentials from " + c.credentials_source +
                                   ": both an access key id and a secret access key are needed");
  }
  return c;
}

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

std::string S3ObjectUrl(const S3Config& config, const S3Location& location) {
  const std::string key = sigv4::UriEncode(location.key, /*encode_slash=*/false);
  if (config.path_style) return config.endpoint + "/" + location.bucket + "/" + key;
  auto scheme = config.endpoint.find("://");
  return config.endpoint.substr(0, scheme + 3) + location.bucket + "." +
         config.endpoint.substr(scheme + 3) + "/" + key;
}

Result<std::shared_ptr<ByteSource>> OpenS3Source(const std::string& url, const S3Options& options,
                                                 HttpOptions http) {
  ASSIGN_OR_RETURN(S3Location loc, ParseS3Url(url));
  if (loc.key.empty() || loc.key.back() == '/') {
    return Status::InvalidArgument("'" + url + "' names a bucket or prefix, not an object");
  }
  ASSIGN_OR_RETURN(S3Config config, ResolveS3Config(options));
  const std::string display = "s3://" + loc.bucket + "/" + loc.key;
  return OpenHttpSource(S3ObjectUrl(config, loc), WithS3(std::move(http), config, display));
}

Result<std::vector<std::string>> GlobS3(const std::string& pattern, const S3Options& options,
                                        HttpOptions http) {
  ASSIGN_OR_RETURN(S3Location loc, ParseS3Url(pattern));
  const auto wild = loc.key.find_first_of("*?[");
  if (wild == std::string::npos) return std::vector<std::string>{pattern};
  ASSIGN_OR_RETURN(S3Config config, ResolveS3Config(options));
  const std::string prefix = loc.key.substr(0, wild);
  const std::string display = "s3://" + loc.bucket + "/" + prefix + "*";
  HttpClient client(WithS3(std::move(http), config, display));
  std::vector<std::string> out;
  std::string token;
  S3Location bucket_only{loc.bucket, ""};
  for (int page = 0; page < 100000; ++page) {
    std::string url = S3ObjectUrl(config, bucket_only);
    if (!config.path_style && url.back() != '/') url += "/";
    url += "?list-type=2&prefix=" + sigv4::UriEncode(prefix, true);
    if (!token.empty()) url += "&continuation-token=" + sigv4::UriEncode(token, true);
    ASSIGN_OR_RETURN(HttpResponse r, client.Perform(HttpRequest{"GET", url, {}}, nullptr));
    if (r.status != 200) {
      return HttpErrorStatus(r, "listing " + display, client.options());
    }
    const std::string body = BodyText(r);
    for (const std::string& key : XmlValues(body, "Key")) {
      if (fnmatch(loc.key.c_str(), key.c_str(), FNM_PATHNAME) == 0) {
        out.push_back("s3://" + loc.bucket + "/" + key);
      }
    }
    auto truncated = XmlValues(body, "IsTruncated");
    auto next = XmlValues(body, "NextContinuationToken");
    if (truncated.empty() || truncated[0] != "true" || next.empty()) break;
    token = next[0];
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace arrowroot::byte_source
