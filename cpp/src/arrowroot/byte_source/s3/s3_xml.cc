#include "arrowroot/byte_source/s3/s3_xml.h"

#include <cstdlib>
#include <cstring>
#include <utility>

namespace arrowroot::byte_source {

namespace {

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

}  // namespace

std::vector<std::string> S3XmlBlocks(const std::string& xml, const std::string& tag) {
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

std::vector<std::string> S3XmlValues(const std::string& xml, const std::string& tag) {
  std::vector<std::string> out = S3XmlBlocks(xml, tag);
  for (auto& v : out) v = XmlUnescape(std::move(v));
  return out;
}

std::string S3XmlValue(const std::string& xml, const std::string& tag) {
  auto v = S3XmlValues(xml, tag);
  return v.empty() ? std::string() : v[0];
}

std::string DescribeS3Error(const HttpResponse& response) {
  const std::string body = response.BodyText();
  auto code = S3XmlValues(body, "Code");
  if (code.empty()) return {};
  auto message = S3XmlValues(body, "Message");
  return code[0] + (message.empty() || message[0].empty() ? "" : ": " + message[0]);
}

std::string UnquoteEtag(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

std::vector<S3ObjectInfo> ParseListObjects(const std::string& xml, std::string* next_token) {
  std::vector<S3ObjectInfo> out;
  for (const std::string& c : S3XmlBlocks(xml, "Contents")) {
    S3ObjectInfo o;
    o.key = S3XmlValue(c, "Key");
    o.size = std::strtoull(S3XmlValue(c, "Size").c_str(), nullptr, 10);
    o.etag = UnquoteEtag(S3XmlValue(c, "ETag"));
    out.push_back(std::move(o));
  }
  if (next_token) {
    *next_token = S3XmlValue(xml, "IsTruncated") == "true" ? S3XmlValue(xml, "NextContinuationToken") : "";
  }
  return out;
}

}  // namespace arrowroot::byte_source
