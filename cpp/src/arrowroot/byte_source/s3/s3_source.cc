#include "arrowroot/byte_source/s3/s3_source.h"

#include <fnmatch.h>

#include <algorithm>

#include "arrowroot/byte_source/http/http_source.h"
#include "arrowroot/byte_source/s3/s3_client.h"

namespace arrowroot::byte_source {

Result<std::shared_ptr<ByteSource>> OpenS3Source(const std::string& url, const S3Options& options,
                                                 HttpOptions http) {
  ASSIGN_OR_RETURN(S3Location loc, ParseS3Url(url));
  if (loc.key.empty() || loc.key.back() == '/') {
    return Status::InvalidArgument("'" + url + "' names a bucket or prefix, not an object");
  }
  ASSIGN_OR_RETURN(S3Config config, ResolveS3Config(options));
  return OpenHttpSource(S3ObjectUrl(config, loc), S3HttpOptions(std::move(http), config, S3Url(loc)));
}

Result<std::vector<std::string>> GlobS3(const std::string& pattern, const S3Options& options,
                                        HttpOptions http) {
  ASSIGN_OR_RETURN(S3Location loc, ParseS3Url(pattern));
  const auto wild = loc.key.find_first_of("*?[");
  if (wild == std::string::npos) return std::vector<std::string>{pattern};
  ASSIGN_OR_RETURN(S3Config config, ResolveS3Config(options));
  const std::string prefix = loc.key.substr(0, wild);
  const std::string display = "s3://" + loc.bucket + "/" + prefix + "*";
  const S3Client client(std::move(config), std::move(http), display);
  ASSIGN_OR_RETURN(auto objects, client.ListObjects(loc.bucket, prefix, "listing " + display, nullptr));
  std::vector<std::string> out;
  for (const S3ObjectInfo& o : objects) {
    if (fnmatch(loc.key.c_str(), o.key.c_str(), FNM_PATHNAME) == 0) out.push_back(S3Url({loc.bucket, o.key}));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace arrowroot::byte_source
