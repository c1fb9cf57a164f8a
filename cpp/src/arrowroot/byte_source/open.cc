#include "arrowroot/byte_source/open.h"

#include <fnmatch.h>
#include <glob.h>

#include "arrowroot/byte_source/http/http_source.h"
#include "arrowroot/byte_source/s3/s3_source.h"
#include "arrowroot/byte_source/webhdfs.h"

namespace arrowroot::byte_source {

namespace {

/// An http(s) URL is often a public S3 bucket or a presigned S3 URL: its error answers carry
/// AWS's request id, which the messages quote.
HttpOptions PlainHttpOptions(HttpOptions http) {
  if (http.request_id_header.empty()) http.request_id_header = "x-amz-request-id";
  return http;
}

}  // namespace

Result<std::shared_ptr<ByteSource>> OpenSource(const std::string& path_or_url,
                                               const SourceOptions& options) {
  const std::string scheme = UrlScheme(path_or_url);
  if (scheme.empty()) return OpenLocalFile(path_or_url);
  if (scheme == "file") return OpenLocalFile(path_or_url.substr(7));
  if (scheme == "http" || scheme == "https") return OpenHttpSource(path_or_url, PlainHttpOptions(options.http));
  if (scheme == "s3") return OpenS3Source(path_or_url, options.s3, options.http);
  if (scheme == "hdfs" || scheme == "webhdfs" || scheme == "swebhdfs") {
    return OpenWebHdfsSource(path_or_url, options.http);
  }
  return Status::Unsupported("URL scheme '" + scheme + "://' is not supported (local paths, " +
                             "file://, http://, https://, s3:// and hdfs:// are; root:// is planned)");
}

Result<std::vector<std::string>> Glob(const std::string& pattern, const SourceOptions& options) {
  const std::string scheme = UrlScheme(pattern);
  std::vector<std::string> out;
  if (scheme == "s3") {
    ASSIGN_OR_RETURN(out, GlobS3(pattern, options.s3, options.http));
  } else if (scheme == "hdfs" || scheme == "webhdfs" || scheme == "swebhdfs") {
    const auto wild = pattern.find_first_of("*?[");
    if (wild == std::string::npos) return std::vector<std::string>{pattern};
    const std::string dir = pattern.substr(0, pattern.rfind('/', wild) + 1);
    ASSIGN_OR_RETURN(auto files, ListWebHdfs(dir, options.http));
    for (auto& [url, size] : files) {
      if (fnmatch(pattern.c_str(), url.c_str(), FNM_PATHNAME) == 0) out.push_back(url);
    }
  } else if (scheme == "http" || scheme == "https") {
    out.push_back(pattern);  // HTTP has no listing
  } else {
    const bool is_file_url = scheme == "file";
    const std::string path = is_file_url ? pattern.substr(7) : pattern;
    if (path.find_first_of("*?[") == std::string::npos) return std::vector<std::string>{pattern};
    glob_t g{};
    int rc = ::glob(path.c_str(), 0, nullptr, &g);
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) {
        out.push_back((is_file_url ? "file://" : "") + std::string(g.gl_pathv[i]));
      }
    }
    globfree(&g);
    if (rc != 0 && rc != GLOB_NOMATCH) {
      return Status::IOError("cannot expand '" + pattern + "' (glob error " + std::to_string(rc) + ")");
    }
  }
  if (out.empty()) return Status::NotFound("no file matches '" + RedactUrl(pattern) + "'");
  return out;
}

}  // namespace arrowroot::byte_source
