// The storage-option table of the public API (arrowroot.h's StorageOptions): key/value text →
// the byte sources' options and the scan's remote-read tuning. The one place that knows the
// keys; the Python extension and the JNI layer convert their values through it.
#pragma once

#include "arrowroot/arrowroot.h"
#include "arrowroot/byte_source/open.h"
#include "arrowroot/scan/read_plan.h"

namespace arrowroot::api {

/// Remote-read settings that travel with a file's storage options into every scan of it.
struct IoTuning {
  scan::CoalesceOptions coalesce;
  int max_requests_in_flight = 32;
  uint64_t max_prefetch_bytes = 128ull << 20;
};

struct ParsedStorageOptions {
  byte_source::SourceOptions source;
  IoTuning tuning;
};

/// Parse storage options; InvalidArgument names an unknown key (listing the known ones) or a
/// value of the wrong kind. Values are never put in messages (they may be secrets), except
/// for `addressing`, whose values are words.
Result<ParsedStorageOptions> ParseStorageOptions(const StorageOptions& options);

}  // namespace arrowroot::api
