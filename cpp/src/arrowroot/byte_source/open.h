// Opening a ROOT file by path or URL: the one entry point of the front ends (CLI, Python, Spark).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/byte_source/http/http_client.h"
#include "arrowroot/byte_source/s3/s3_config.h"
#include "arrowroot/byte_source/url.h"

namespace arrowroot::byte_source {

struct SourceOptions {
  HttpOptions http;  ///< timeouts, retries, TLS, speculative reads (HTTP and S3)
  S3Options s3;      ///< endpoint, region, credentials (s3://)
};

/// Open a local path, file://, http://, https://, s3:// or hdfs:// (WebHDFS, webhdfs.h) URL. Unsupported for other schemes
/// (root:// is planned), naming the scheme.
Result<std::shared_ptr<ByteSource>> OpenSource(const std::string& path_or_url,
                                               const SourceOptions& options = {});

/// Expand a glob (`*`, `?`, `[...]`) into the matching paths or URLs, sorted: local paths with
/// glob(3), s3:// with ListObjectsV2. Patterns without wildcards, and http(s) URLs, come back
/// as they are. NotFound when nothing matches.
Result<std::vector<std::string>> Glob(const std::string& pattern, const SourceOptions& options = {});

// UrlScheme and RedactUrl are in url.h.

}  // namespace arrowroot::byte_source
