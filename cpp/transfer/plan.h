// Planning a copy: the files one SRC argument names (a glob, a local directory, an S3 prefix, a
// WebHDFS directory, or one file or URL), and whether --include keeps them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arrowroot/byte_source/s3/s3_writer.h"
#include "arrowroot/common/status.h"
#include "transfer/copy.h"

namespace arrowroot::transfer::internal {

/// One file to copy: where from, where to, what to call it.
struct Planned {
  std::string source;
  std::string rel;  ///< path under the source root ("a/b.root"), or the name
  std::string target;
  uint64_t size = 0;
  bool size_known = false;
};

bool HasWildcard(const std::string& s);
/// The last component of a path or URL, trailing slashes ignored.
std::string Basename(const std::string& path);
/// Whether --include (fnmatch; empty = everything) matches `rel` or its last component.
bool Included(const std::string& include, const std::string& rel);

/// Expand one SRC argument into files (`s3` lists S3 prefixes; may be null if SRC is not s3://).
Status ExpandSource(const std::string& src, const CopyOptions& o, const byte_source::S3Writer* s3,
                    std::vector<Planned>* out);

}  // namespace arrowroot::transfer::internal
