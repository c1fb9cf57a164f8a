// `--verify root`: a copy opened as a ROOT file and read back.
#pragma once

#include <string>

#include "arrowroot/byte_source/open.h"
#include "arrowroot/common/status.h"

namespace arrowroot::transfer::internal {

/// Open the copy at `path` as a ROOT file; read every key's payload and every basket of every
/// tree; read every RNTuple (anchor, envelopes and their checksums) and every page of every
/// cluster (page checksum, decompression). Errors name `where` (the copy's target) and the key,
/// tree or basket, or the RNTuple, cluster, column and page byte range that failed.
Status VerifyRoot(const std::string& path, const std::string& where,
                  const byte_source::SourceOptions& options);

}  // namespace arrowroot::transfer::internal
