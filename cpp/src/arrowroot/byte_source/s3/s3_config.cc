#include "arrowroot/byte_source/s3/s3_config.h"

#include <cstdlib>
#include <fstream>
#include <map>

#include "arrowroot/byte_source/url.h"
#include "arrowroot/common/text.h"

namespace arrowroot::byte_source {

namespace {

std::optional<std::string> RealEnv(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

/// A minimal INI reader for the AWS shared files: section → key → value (keys lower-cased).
/// Format: https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html
std::map<std::string, std::map<std::string, std::string>> ReadIni(const std::string& path) {
  std::map<std::string, std::map<std::string, std::string>> out;
  std::ifstream in(path);
  std::string line, section;
  while (std::getline(in, line)) {
    line = TrimWhitespace(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = TrimWhitespace(line.substr(1, line.size() - 2));
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string::npos || section.empty()) continue;
    out[section][AsciiLower(TrimWhitespace(line.substr(0, eq)))] = TrimWhitespace(line.substr(eq + 1));
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

}  // namespace

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

}  // namespace arrowroot::byte_source
