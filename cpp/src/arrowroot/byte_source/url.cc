#include "arrowroot/byte_source/url.h"

#include <cctype>

#include "arrowroot/common/text.h"

namespace arrowroot::byte_source {

std::string UrlScheme(const std::string& path_or_url) {
  auto pos = path_or_url.find("://");
  if (pos == std::string::npos) return {};
  const std::string scheme = path_or_url.substr(0, pos);
  for (char c : scheme) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return {};
  }
  return AsciiLower(scheme);
}

std::string RedactUrl(const std::string& url) {
  std::string out = url.substr(0, url.find_first_of("?#"));
  // Drop "user:password@" from the authority.
  auto scheme = out.find("://");
  if (scheme != std::string::npos) {
    auto host_start = scheme + 3;
    auto path_start = out.find('/', host_start);
    auto at = out.rfind('@', path_start == std::string::npos ? out.size() : path_start);
    if (at != std::string::npos && at >= host_start) out.erase(host_start, at + 1 - host_start);
  }
  return out;
}

bool SplitUrl(const std::string& url, std::string* origin, std::string* host, std::string* rest) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return false;
  auto path = url.find('/', scheme + 3);
  *origin = url.substr(0, path);
  *host = url.substr(scheme + 3, (path == std::string::npos ? url.size() : path) - scheme - 3);
  *rest = path == std::string::npos ? "/" : url.substr(path);
  return !host->empty();
}

std::string UriEncode(std::string_view data, bool encode_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(data.size() * 3);
  for (char c : data) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                      (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved || (c == '/' && !encode_slash)) {
      out.push_back(c);
    } else {
      auto u = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kDigits[u >> 4]);
      out.push_back(kDigits[u & 0xf]);
    }
  }
  return out;
}

bool PercentDecode(std::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size());
  bool valid = true;
  for (size_t i = 0; i < in.size(); ++i) {
    const int hi = in[i] == '%' && i + 2 < in.size() ? HexDigitValue(in[i + 1]) : -1;
    const int lo = hi >= 0 ? HexDigitValue(in[i + 2]) : -1;
    if (in[i] == '%' && lo >= 0) {
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
      continue;
    }
    valid = valid && in[i] != '%';
    out->push_back(in[i]);
  }
  return valid;
}

}  // namespace arrowroot::byte_source
