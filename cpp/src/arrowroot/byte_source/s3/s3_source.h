// Reading from S3: the HTTP source (http/http_source.h) plus SigV4 signing, and globs over
// ListObjectsV2. Configuration as the AWS CLI reads it (s3_config.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "arrowroot/byte_source/byte_source.h"
#include "arrowroot/byte_source/http/http_client.h"
#include "arrowroot/byte_source/s3/s3_config.h"

namespace arrowroot::byte_source {

/// Open s3://bucket/key for reading.
Result<std::shared_ptr<ByteSource>> OpenS3Source(const std::string& url, const S3Options& options,
                                                 HttpOptions http = {});

/// Keys matching a glob (`*`, `?`, `[...]`; `*` does not cross '/'), as s3:// URLs, sorted,
/// listed with ListObjectsV2 from the longest literal prefix. A URL without wildcards is returned
/// as is.
Result<std::vector<std::string>> GlobS3(const std::string& pattern, const S3Options& options,
                                        HttpOptions http = {});

}  // namespace arrowroot::byte_source
