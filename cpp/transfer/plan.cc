#include "transfer/plan.h"

#include <fnmatch.h>

#include <algorithm>
#include <filesystem>

#include "arrowroot/byte_source/webhdfs.h"

namespace arrowroot::transfer::internal {

namespace bs = byte_source;
namespace fs = std::filesystem;

bool HasWildcard(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

std::string Basename(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

namespace {

bool IsHdfs(const std::string& scheme) {
  return scheme == "hdfs" || scheme == "webhdfs" || scheme == "swebhdfs";
}

}  // namespace

bool Included(const std::string& include, const std::string& rel) {
  if (include.empty()) return true;
  return fnmatch(include.c_str(), rel.c_str(), 0) == 0 ||
         fnmatch(include.c_str(), Basename(rel).c_str(), 0) == 0;
}

Status ExpandSource(const std::string& src, const CopyOptions& o, const bs::S3Writer* s3,
                    std::vector<Planned>* out) {
  const std::string scheme = bs::UrlScheme(src);
  if (HasWildcard(src)) {
    ASSIGN_OR_RETURN(auto files, bs::Glob(src, o.source));
    for (auto& f : files) out->push_back({f, Basename(f), "", 0, false});
    return Status::OK();
  }
  if (!o.recursive) {
    if (!src.empty() && src.back() == '/') {
      return Status::InvalidArgument("'" + bs::RedactUrl(src) +
                                     "' is a directory or prefix: add --recursive to copy what is under it");
    }
    if (scheme.empty() || scheme == "file") {
      const std::string path = scheme.empty() ? src : src.substr(7);
      std::error_code ec;
      if (fs::is_directory(path, ec)) {
        return Status::InvalidArgument("'" + src + "' is a directory: add --recursive to copy what is in it");
      }
    }
    out->push_back({src, Basename(src), "", 0, false});
    return Status::OK();
  }
  if (scheme.empty() || scheme == "file") {
    const std::string root = scheme.empty() ? src : src.substr(7);
    std::error_code ec;
    if (!fs::exists(root, ec)) return Status::NotFound("'" + src + "' does not exist");
    if (!fs::is_directory(root, ec)) {
      out->push_back({src, Basename(src), "", 0, false});
      return Status::OK();
    }
    std::vector<Planned> found;
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      const std::string rel = fs::relative(it->path(), root).generic_string();
      found.push_back({it->path().string(), rel, "", static_cast<uint64_t>(it->file_size()), true});
    }
    if (ec) return Status::IOError("cannot list '" + src + "': " + ec.message());
    std::sort(found.begin(), found.end(), [](auto& a, auto& b) { return a.rel < b.rel; });
    for (auto& f : found) out->push_back(std::move(f));
    return Status::OK();
  }
  if (scheme == "s3") {
    ASSIGN_OR_RETURN(bs::S3Location loc, bs::ParseS3Url(src));
    std::string prefix = loc.key;
    if (!prefix.empty() && prefix.back() != '/') prefix += '/';
    ASSIGN_OR_RETURN(auto objects, s3->List(loc.bucket, prefix));
    if (objects.empty() && !loc.key.empty()) {
      out->push_back({src, Basename(src), "", 0, false});  // an object, not a prefix
      return Status::OK();
    }
    for (auto& obj : objects) {
      if (obj.key.empty() || obj.key.back() == '/') continue;
      out->push_back({"s3://" + loc.bucket + "/" + obj.key, obj.key.substr(prefix.size()), "",
                      obj.size, true});
    }
    return Status::OK();
  }
  if (IsHdfs(scheme)) {
    ASSIGN_OR_RETURN(auto files, bs::ListWebHdfs(src, o.source.http));
    std::string root = src;
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    for (auto& [url, size] : files) {
      std::string rel = url.size() > root.size() && url.compare(0, root.size(), root) == 0
                            ? url.substr(root.size() + 1)
                            : Basename(url);
      out->push_back({url, rel, "", size, true});
    }
    return Status::OK();
  }
  if (scheme == "http" || scheme == "https") {
    out->push_back({src, Basename(src), "", 0, false});  // HTTP has no listing
    return Status::OK();
  }
  return Status::Unsupported("cannot copy from '" + scheme + "://' URLs");
}

}  // namespace arrowroot::transfer::internal
