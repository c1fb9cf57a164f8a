#include "arrowroot/byte_source/webhdfs.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "arrowroot/byte_source/url.h"

namespace arrowroot::byte_source {

namespace {

/// The raw JSON value of "key" at nesting depth `depth` of the object starting in `json`,
/// found by a flat scan that skips strings: enough for WebHDFS's small documents.
/// Strings come back unescaped; numbers and literals as written.
std::optional<std::string> JsonValue(std::string_view json, std::string_view key) {
  // Built by appending: GCC 12 at -O3 warns (-Wrestrict, a false positive) on "\"" + key + "\"".
  std::string quoted;
  quoted.reserve(key.size() + 2);
  quoted.push_back('"');
  quoted.append(key);
  quoted.push_back('"');
  size_t pos = 0;
  while ((pos = json.find(quoted, pos)) != std::string_view::npos) {
    size_t p = pos + quoted.size();
    while (p < json.size() && (json[p] == ' ' || json[p] == '\n' || json[p] == '\t')) ++p;
    if (p >= json.size() || json[p] != ':') {
      pos = p;
      continue;
    }
    ++p;
    while (p < json.size() && (json[p] == ' ' || json[p] == '\n' || json[p] == '\t')) ++p;
    if (p >= json.size()) return std::nullopt;
    if (json[p] == '"') {
      std::string out;
      for (++p; p < json.size() && json[p] != '"'; ++p) {
        char c = json[p];
        if (c == '\\' && p + 1 < json.size()) {
          char e = json[++p];
          if (e == 'n') out += '\n';
          else if (e == 't') out += '\t';
          else if (e == 'u' && p + 4 < json.size()) {
            out += static_cast<char>(std::strtol(std::string(json.substr(p + 1, 4)).c_str(), nullptr, 16));
            p += 4;
          } else out += e;
        } else {
          out += c;
        }
      }
      return out;
    }
    size_t end = json.find_first_of(",}] \n", p);
    return std::string(json.substr(p, end == std::string_view::npos ? std::string_view::npos : end - p));
  }
  return std::nullopt;
}

/// The top-level {...} objects of the first JSON array after "key".
std::vector<std::string> JsonArrayObjects(const std::string& json, const std::string& key) {
  std::vector<std::string> out;
  size_t pos = json.find("\"" + key + "\"");
  if (pos == std::string::npos) return out;
  pos = json.find('[', pos);
  if (pos == std::string::npos) return out;
  int depth = 0;
  bool in_string = false;
  size_t start = 0;
  for (size_t i = pos + 1; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{') {
      if (depth++ == 0) start = i;
    } else if (c == '}') {
      if (--depth == 0) out.push_back(json.substr(start, i + 1 - start));
    } else if (c == ']' && depth == 0) {
      break;
    }
  }
  return out;
}

HdfsFileStatus StatusFrom(const std::string& obj) {
  HdfsFileStatus s;
  s.path_suffix = JsonValue(obj, "pathSuffix").value_or("");
  s.length = std::strtoull(JsonValue(obj, "length").value_or("0").c_str(), nullptr, 10);
  s.is_directory = JsonValue(obj, "type").value_or("") == "DIRECTORY";
  return s;
}

HttpOptions WithWebHdfs(HttpOptions http, const std::string& display) {
  http.describe_error = [](const HttpResponse& r) {
    std::string d = "HTTP " + std::to_string(r.status);
    std::string e = DescribeWebHdfsError(r);
    return e.empty() ? d : d + " " + e;
  };
  http.display_name = display;
  http.signer = {};
  return http;
}

std::string PortOverride() {
  const char* p = std::getenv("ARROWROOT_WEBHDFS_PORT");
  return p ? std::string(p) : std::string();
}

/// "hdfs://host:port" + path, for naming files found in a listing.
std::string UrlPrefix(const std::string& url) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme + 3);
  return url.substr(0, slash);
}

class WebHdfsSource final : public ByteSource {
 public:
  WebHdfsSource(std::string url, WebHdfsLocation loc, HttpOptions options)
      : name_(RedactUrl(url)),
        loc_(std::move(loc)),
        user_(WebHdfsUser()),
        client_(WithWebHdfs(std::move(options), name_)) {}

  uint64_t size() const override { return size_; }
  const std::string& name() const override { return name_; }
  bool is_remote() const override { return true; }

  Status Open() {
    ASSIGN_OR_RETURN(HttpResponse r,
                     client_.Perform({"GET", WebHdfsOpUrl(loc_, "GETFILESTATUS", "", user_), {}},
                                     &stats_));
    if (r.status != 200) return HttpErrorStatus(r, "WebHDFS GETFILESTATUS " + name_, client_.options());
    ASSIGN_OR_RETURN(HdfsFileStatus st, ParseFileStatus(r.BodyText()));
    if (st.is_directory) {
      return Status::InvalidArgument("'" + name_ + "' is a directory, not a file");
    }
    size_ = st.length;
    return Status::OK();
  }

  Status ReadAt(uint64_t offset, std::span<std::byte> out) const override {
    RETURN_IF_ERROR(CheckRange(offset, out.size()));
    if (out.empty()) return Status::OK();
    stats_.num_bytes_read.fetch_add(out.size(), std::memory_order_relaxed);
    const std::string params = "&offset=" + std::to_string(offset) +
                               "&length=" + std::to_string(out.size()) + "&noredirect=true";
    ASSIGN_OR_RETURN(HttpResponse r,
                     client_.Perform({"GET", WebHdfsOpUrl(loc_, "OPEN", params, user_), {}}, &stats_));
    if (r.status != 200) return HttpErrorStatus(r, "WebHDFS OPEN " + name_, client_.options());
    if (r.Header("content-type").find("json") != std::string::npos) {
      // The NameNode's answer: where to read. Then read from that DataNode.
      ASSIGN_OR_RETURN(std::string location, ParseRedirectLocation(r.BodyText()));
      ASSIGN_OR_RETURN(r, client_.Perform({"GET", location, {}}, &stats_));
      if (r.status != 200) {
        return HttpErrorStatus(r, "WebHDFS OPEN " + name_ + " (DataNode)", client_.options());
      }
    }
    if (r.body.size() != out.size()) {
      return Status::IOError("WebHDFS OPEN " + name_ + " " + FormatRange(offset, out.size()) +
                                 ": received " + std::to_string(r.body.size()) + " bytes",
                             true);
    }
    std::copy(r.body.begin(), r.body.end(), out.begin());
    return Status::OK();
  }

 private:
  static std::string FormatRange(uint64_t offset, uint64_t n) {
    return "[" + std::to_string(offset) + ",+" + std::to_string(n) + ")";
  }
  std::string name_;
  WebHdfsLocation loc_;
  std::string user_;
  HttpClient client_;
  uint64_t size_ = 0;
};

}  // namespace

std::string WebHdfsUser() {
  for (const char* var : {"HADOOP_USER_NAME", "USER", "LOGNAME"}) {
    const char* v = std::getenv(var);
    if (v && *v) return v;
  }
  return "root";
}

namespace {
/// 'url' (redacted) in quotes, built by appending: GCC 12 at -O3 reports a false -Wrestrict on
/// "'" + std::string&& (an insertion at the front).
std::string QuotedUrl(const std::string& url) {
  std::string out(1, '\'');
  out += RedactUrl(url);
  out += '\'';
  return out;
}
}  // namespace

Result<WebHdfsLocation> ParseWebHdfsUrl(const std::string& url, const std::string& port_override) {
  auto sep = url.find("://");
  const std::string scheme = sep == std::string::npos ? "" : url.substr(0, sep);
  if (scheme != "hdfs" && scheme != "webhdfs" && scheme != "swebhdfs") {
    return Status::InvalidArgument(QuotedUrl(url) + " is not an hdfs:// or webhdfs:// URL");
  }
  auto slash = url.find('/', sep + 3);
  std::string authority = url.substr(sep + 3, slash == std::string::npos ? std::string::npos : slash - sep - 3);
  if (authority.empty()) {
    return Status::InvalidArgument(QuotedUrl(url) +
                                   " names no NameNode: use hdfs://namenode:port/path");
  }
  if (scheme == "hdfs" && !port_override.empty()) {
    auto colon = authority.rfind(':');
    if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
      authority.erase(colon);
    }
    authority += ":" + port_override;
  }
  WebHdfsLocation loc;
  loc.base = (scheme == "swebhdfs" ? "https://" : "http://") + authority + "/webhdfs/v1";
  loc.path = slash == std::string::npos ? "/" : url.substr(slash);
  return loc;
}

std::string WebHdfsOpUrl(const WebHdfsLocation& loc, const std::string& op,
                         const std::string& params, const std::string& user) {
  return loc.base + UriEncode(loc.path, /*encode_slash=*/false) + "?op=" + op + params +
         "&user.name=" + UriEncode(user, true);
}

Result<HdfsFileStatus> ParseFileStatus(const std::string& json) {
  auto pos = json.find("\"FileStatus\"");
  if (pos == std::string::npos || !JsonValue(json, "length")) {
    return Status::Corruption("WebHDFS GETFILESTATUS answer is not a FileStatus");
  }
  return StatusFrom(json.substr(pos));
}

Result<std::vector<HdfsFileStatus>> ParseListStatus(const std::string& json) {
  if (json.find("\"FileStatuses\"") == std::string::npos) {
    return Status::Corruption("WebHDFS LISTSTATUS answer has no FileStatuses");
  }
  std::vector<HdfsFileStatus> out;
  for (const std::string& obj : JsonArrayObjects(json, "FileStatus")) out.push_back(StatusFrom(obj));
  return out;
}

Result<std::string> ParseRedirectLocation(const std::string& json) {
  auto location = JsonValue(json, "Location");
  if (!location || location->empty()) {
    return Status::Corruption("WebHDFS answer names no DataNode Location");
  }
  if (location->rfind("http://", 0) != 0 && location->rfind("https://", 0) != 0) {
    return Status::InvalidArgument("WebHDFS redirected to '" + RedactUrl(*location) +
                                   "', which is not an http(s) URL");
  }
  return *location;
}

std::string DescribeWebHdfsError(const HttpResponse& response) {
  const std::string body = response.BodyText();
  if (body.find("RemoteException") == std::string::npos) return {};
  std::string ex = JsonValue(body, "exception").value_or("");
  std::string msg = JsonValue(body, "message").value_or("");
  return ex + (msg.empty() ? "" : ": " + msg);
}

Result<std::shared_ptr<ByteSource>> OpenWebHdfsSource(const std::string& url, HttpOptions options) {
  ASSIGN_OR_RETURN(WebHdfsLocation loc, ParseWebHdfsUrl(url, PortOverride()));
  auto source = std::make_shared<WebHdfsSource>(url, std::move(loc), std::move(options));
  RETURN_IF_ERROR(source->Open());
  return std::shared_ptr<ByteSource>(std::move(source));
}

Result<std::vector<std::pair<std::string, uint64_t>>> ListWebHdfs(const std::string& url,
                                                                  HttpOptions options) {
  ASSIGN_OR_RETURN(WebHdfsLocation root, ParseWebHdfsUrl(url, PortOverride()));
  HttpClient client(WithWebHdfs(std::move(options), RedactUrl(url)));
  const std::string user = WebHdfsUser();
  const std::string prefix = UrlPrefix(url);
  std::vector<std::pair<std::string, uint64_t>> out;
  std::vector<std::string> dirs = {root.path};
  bool first = true;
  while (!dirs.empty()) {
    WebHdfsLocation loc = root;
    loc.path = dirs.back();
    dirs.pop_back();
    ASSIGN_OR_RETURN(HttpResponse r,
                     client.Perform({"GET", WebHdfsOpUrl(loc, "LISTSTATUS", "", user), {}}, nullptr));
    if (r.status != 200) {
      return HttpErrorStatus(r, "WebHDFS LISTSTATUS " + prefix + loc.path, client.options());
    }
    ASSIGN_OR_RETURN(auto entries, ParseListStatus(r.BodyText()));
    if (first && entries.size() == 1 && entries[0].path_suffix.empty()) {
      // LISTSTATUS of a file lists the file itself.
      out.emplace_back(prefix + loc.path, entries[0].length);
      break;
    }
    first = false;
    std::string dir = loc.path;
    if (dir.empty() || dir.back() != '/') dir += '/';
    for (const auto& e : entries) {
      if (e.is_directory) {
        dirs.push_back(dir + e.path_suffix);
      } else {
        out.emplace_back(prefix + dir + e.path_suffix, e.length);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace arrowroot::byte_source
