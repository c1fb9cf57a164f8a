// The public API's storage options (arrowroot.h's StorageOptions, key/value text) as the byte
// source options a copy runs with: arrowroot.copy() takes the same storage_options as
// arrowroot.open(), checked by the same table (cpp/src/arrowroot/api/storage_options.h).
#pragma once

#include "arrowroot/arrowroot.h"
#include "arrowroot/byte_source/open.h"

namespace arrowroot::transfer {

/// InvalidArgument exactly as File::Open gives it (an unknown key listing the known ones, a
/// value of the wrong kind). The remote-read tuning keys (max_gap_bytes, ...) are accepted and
/// have no effect on a copy.
Result<byte_source::SourceOptions> SourceOptionsFrom(const StorageOptions& options);

}  // namespace arrowroot::transfer
